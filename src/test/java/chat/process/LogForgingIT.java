package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values a client chooses reach the log (a bridge frame's type is logged as it came). Whatever they hold, a real
 * node's log has one event per line, in either format, and a line a client forges shows as part of its event.
 */
class LogForgingIT {

  /** A line a client would like the log to show as the node's own. */
  private static final String FORGED_LINE = "12:00:00.000 INFO  [main] chat.app.Main - chat node forged started";
  /** Around it: line breaks, a terminal's "erase line", a Unicode line separator. */
  private static final String FORGED = "\r\n" + FORGED_LINE + "\n\u001B[2K\u2028";
  private static final Pattern TEXT_EVENT =
    Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO |WARN |ERROR) \\[");

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  @Test
  void theTextLogShowsWhatAClientSentEscapedOnTheLineOfItsEvent() {
    List<String> lines = logOfANodeThatWasSentForgedLines("text");

    for (String line : lines) {
      assertTrue(TEXT_EVENT.matcher(line).lookingAt(), "every line is an event of its own: " + line);
      assertFalse(line.startsWith(FORGED_LINE), "a forged line passes for an event: " + line);
    }
    List<String> forged = lines.stream().filter(line -> line.contains("Invalid type in incoming message")).toList();
    assertEquals(1, forged.size(), "the frame's type is in one event: " + forged);
    assertTrue(forged.get(0).matches(".* WARN  \\[.*bridge client error: Invalid type in incoming message: x"
      + Pattern.quote("\\r\\n" + FORGED_LINE + "\\n\\u001B[2K\\u2028")), forged.get(0));
  }

  @Test
  void theJsonLogHasOneObjectPerLineWhateverAClientSent() {
    List<String> lines = logOfANodeThatWasSentForgedLines("json");

    for (String line : lines) {
      JsonObject event = new JsonObject(line); // every line is one JSON object
      assertTrue(event.containsKey("level") && event.containsKey("formattedMessage"), line);
      assertFalse(line.contains("\u001B") || line.contains("\u2028"), "control characters are escaped: " + line);
    }
    List<String> forged = lines.stream().filter(line -> line.contains("Invalid type in incoming message")).toList();
    assertEquals(1, forged.size(), "the frame's type is in one event: " + forged);
    JsonObject event = new JsonObject(forged.get(0));
    assertEquals("WARN", event.getString("level"));
    assertEquals("bridge client error: Invalid type in incoming message: x" + FORGED,
      event.getString("formattedMessage"), "a JSON reader gets back what the client sent");
    assertTrue(forged.get(0).contains("x\\r\\n" + FORGED_LINE + "\\n\\u001B[2K\\u2028"), forged.get(0));
  }

  /**
   * A node in this log format, sent line breaks where a client chooses the text: a bridge frame's type, a login's
   * username and password, a path. Its log once it has stopped, without blank lines.
   */
  private List<String> logOfANodeThatWasSentForgedLines(String format) {
    int http = Ports.free();
    JsonObject config = ProcessFixture.nodeConfig(http,
      "jdbc:hsqldb:file:" + processes.dir().resolve("db").resolve("chat"));
    NodeProcess node = processes.node("node", config, 1, Map.of("CHAT_LOG_FORMAT", format));
    Http forger = new Http(processes.vertx(), http).signUp("forger");
    try (BridgeClient bus = BridgeClient.connect(processes.vertx(), http, forger.cookie())) {
      bus.sendFrame(new JsonObject().put("type", "x" + FORGED).put("address", "chat.send"));
      // the bridge answers after it logged the type
      assertEquals("invalid_type", bus.take(frame -> "err".equals(frame.getString("type"))).getString("body"));
    }
    new Http(processes.vertx(), http).post("/api/login",
      new JsonObject().put("username", "nobody" + FORGED).put("password", "guess" + FORGED));
    new Http(processes.vertx(), http).get("/api/%0d%0a" + FORGED_LINE.replace(" ", "%20"));
    node.stop();
    return node.log().lines().filter(line -> !line.isBlank()).toList();
  }
}
