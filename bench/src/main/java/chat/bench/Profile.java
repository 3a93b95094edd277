package chat.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a node spent its CPU during the measured steps, from a JFR recording's execution samples: the top
 * frames by self time, and the frames of the chat, Vert.x, Netty, Jackson and Hazelcast by inclusive time.
 */
final class Profile {

  /** Frames that say what the work was for; the event-loop and future plumbing around them says nothing. */
  private static final List<String> TELLING = List.of("chat.", "io.vertx.ext.", "io.vertx.jdbcclient.", "io.vertx.sqlclient.",
    "io.vertx.core.eventbus.impl.clustered.", "io.vertx.core.json.", "io.vertx.core.http.impl.WebSocketImplBase.write",
    "io.vertx.core.eventbus.impl.EventBusImpl.deliverMessageLocally", "io.vertx.core.eventbus.impl.MessageConsumerImpl.doReceive",
    "com.fasterxml.", "com.hazelcast.", "org.hsqldb.", "io.netty.channel.AbstractChannel$AbstractUnsafe.flush0",
    "io.netty.handler.codec.http.websocketx.");

  private static final int STACK_DEPTH = 10;

  private Profile() {
  }

  static JsonObject summarize(Path jfr, Options options, String name) {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> stacks = new HashMap<>();
    int samples = 0;
    try (RecordingFile file = new RecordingFile(jfr)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        samples++;
        List<RecordedFrame> frames = stack.getFrames();
        self.merge(method(frames.get(0)), 1, Integer::sum);
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < Math.min(STACK_DEPTH, frames.size()); i++) {
          chain.append(i == 0 ? "" : "\n           <- ").append(method(frames.get(i)));
        }
        stacks.merge(chain.toString(), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
          String m = method(frame);
          if (TELLING.stream().anyMatch(m::startsWith) && seen.add(m)) {
            inclusive.merge(m, 1, Integer::sum);
          }
        }
      }
    } catch (IOException e) {
      return new JsonObject().put("error", "could not read " + jfr + ": " + e.getMessage());
    }
    JsonObject summary = new JsonObject().put("samples", samples)
      .put("self", top(self, samples, 25)).put("inclusive", top(inclusive, samples, 60))
      .put("stacks", top(stacks, samples, 15));
    {
      try {
        Path out = options.writeReport() ? options.repo().resolve("bench/results/profile-" + name + ".txt")
          : options.runDir().resolve("profile-" + name + ".txt");
        Files.createDirectories(out.getParent());
        StringBuilder text = new StringBuilder("JFR execution samples of node1 during the measured steps: " + samples
          + "\n\nself time (top frame)\n");
        summary.getJsonArray("self").forEach(o -> text.append(line((JsonObject) o)));
        text.append("\ninclusive (frame anywhere on the stack; only frames that say what the work was for: chat, vertx-web"
          + " bridge, JSON, clustered event bus, SQL client, Hazelcast, HSQLDB, socket writes)\n");
        summary.getJsonArray("inclusive").forEach(o -> text.append(line((JsonObject) o)));
        text.append("\nhottest stacks (top " + STACK_DEPTH + " frames)\n");
        summary.getJsonArray("stacks").forEach(o -> text.append(line((JsonObject) o)));
        Files.writeString(out, text);
        System.out.println("  profile summary: " + out);
      } catch (IOException e) {
        System.out.println("  ! could not write the profile summary: " + e.getMessage());
      }
    }
    return summary;
  }

  private static String line(JsonObject o) {
    return String.format("%6.1f%%  %s%n", o.getDouble("percent"), o.getString("frame"));
  }

  private static String method(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static JsonArray top(Map<String, Integer> counts, int total, int limit) {
    JsonArray top = new JsonArray();
    counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(limit)
      .forEach(e -> top.add(new JsonObject().put("frame", e.getKey())
        .put("percent", Measure.round(100.0 * e.getValue() / Math.max(1, total), 1))));
    return top;
  }
}
