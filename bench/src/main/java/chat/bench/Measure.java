package chat.bench;

import chat.bench.client.Counters;
import chat.bench.client.Fleet;
import chat.bench.client.StepPlan;
import chat.bench.server.MachineLoad;
import chat.bench.server.Proc;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/** Turns what the clients counted and what /proc says about the processes into one step's JSON record. */
final class Measure {

  private Measure() {
  }

  static Map<Proc, Double> cpu(List<Proc> procs) {
    return seconds(procs, Proc::cpuSeconds);
  }

  static Map<Proc, Double> jitCpu(List<Proc> procs) {
    return seconds(procs, Proc::jitCpuSeconds);
  }

  private static Map<Proc, Double> seconds(List<Proc> procs, ToDoubleFunction<Proc> counter) {
    Map<Proc, Double> seconds = new LinkedHashMap<>();
    procs.forEach(p -> seconds.put(p, counter.applyAsDouble(p)));
    return seconds;
  }

  /** The most cores any one process used between two samples taken {@code wallSeconds} apart. */
  static double busiestCores(Map<Proc, Double> before, Map<Proc, Double> after, double wallSeconds) {
    return after.entrySet().stream().mapToDouble(e -> (e.getValue() - before.get(e.getKey())) / wallSeconds)
      .max().orElse(0);
  }

  /** Runs the step and returns its record; prints a progress line every second and a result line at the end. */
  static JsonObject step(Fleet fleet, List<Proc> procs, StepPlan plan, long drainSeconds, String label,
                         Consumer<Counters> extra) throws Exception {
    Map<Proc, Double> before = cpu(procs);
    Map<Proc, Double> jitBefore = jitCpu(procs);
    MachineLoad loadBefore = MachineLoad.now(procs);
    long started = System.nanoTime();
    long[] lastPrint = {0};
    Counters c = fleet.runStep(plan, drainSeconds, seen -> {
      long now = System.nanoTime();
      if (now - lastPrint[0] >= 1_000_000_000L) {
        lastPrint[0] = now;
        double t = (now - plan.startNanos()) / 1e9;
        System.out.printf("    %-28s t=%5.1fs sent %,d  delivered %,d of %,d  replies %,d%n", label, t, seen.sent,
          seen.delivered, seen.expected, seen.acked);
      }
      extra.accept(seen);
    });
    Map<Proc, Double> after = cpu(procs);
    Map<Proc, Double> jitAfter = jitCpu(procs);
    double otherCores = MachineLoad.now(procs).otherCoresSince(loadBefore);
    double wall = (System.nanoTime() - started) / 1e9;
    double duration = plan.durationNanos() / 1e9;
    JsonObject step = new JsonObject()
      .put("label", label)
      .put("offeredMsgs", round(plan.msgsPerSecond(), 2))
      .put("offeredDeliveries", Math.round(plan.deliveriesPerSecond()))
      .put("seconds", duration)
      .put("sent", c.sent).put("acked", c.acked).put("sendErrors", c.sendErrors)
      .put("expected", c.expected).put("delivered", c.delivered)
      .put("deliveredPerSecond", Math.round(c.delivered / duration))
      .put("lost", c.lost()).put("duplicates", c.duplicates).put("reordered", c.reordered).put("late", c.late)
      .put("closedByServer", c.closedByServer).put("slowClosed", c.slowClosed)
      .put("latencyMs", percentiles(c.latency))
      .put("replyMs", percentiles(c.ackLatency));
    JsonObject cpuPer1k = new JsonObject();
    JsonObject cpuSeconds = new JsonObject();
    JsonObject jitCores = new JsonObject();
    for (Proc p : procs) {
      double used = after.get(p) - before.get(p);
      cpuSeconds.put(p.name, round(used, 2));
      cpuPer1k.put(p.name, c.delivered == 0 ? null : round(used / (c.delivered / 1000.0), 4));
      jitCores.put(p.name, round((jitAfter.get(p) - jitBefore.get(p)) / wall, 2));
    }
    step.put("cpuSeconds", cpuSeconds).put("cpuPer1kDeliveries", cpuPer1k).put("jitCores", jitCores)
      .put("wallSeconds", round(wall, 1))
      .put("otherCores", round(otherCores, 2));
    JsonObject l = step.getJsonObject("latencyMs");
    System.out.printf("  = %-28s offered %,.0f msg/s (%,d deliveries/s): delivered %,d/s  p50 %s  p99 %s  p99.9 %s  max %s ms"
        + "  lost %d dup %d reord %d errors %d%s%n", label, plan.msgsPerSecond(), Math.round(plan.deliveriesPerSecond()),
      Math.round(c.delivered / duration), l.getValue("p50"), l.getValue("p99"), l.getValue("p999"), l.getValue("max"),
      c.lost(), c.duplicates, c.reordered, c.sendErrors,
      otherCores >= 0.1 ? String.format("  (other processes used %.2f cores meanwhile)", otherCores) : "");
    return step;
  }

  static JsonObject percentiles(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new JsonObject().put("count", 0);
    }
    return new JsonObject()
      .put("count", h.getTotalCount())
      .put("p50", ms(h.getValueAtPercentile(50)))
      .put("p99", ms(h.getValueAtPercentile(99)))
      .put("p999", ms(h.getValueAtPercentile(99.9)))
      .put("max", ms(h.getMaxValue()));
  }

  private static double ms(long micros) {
    return micros >= 100_000 ? Math.round(micros / 1000.0) : round(micros / 1000.0, 1);
  }

  static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** A step passes when nothing was lost, refused, duplicated or reordered and p99 is under the limit. */
  static boolean clean(JsonObject step) {
    return step.getLong("lost") == 0 && step.getLong("sendErrors") == 0 && step.getLong("duplicates") == 0
      && step.getLong("reordered") == 0 && step.getLong("delivered") > 0;
  }

  static double p99(JsonObject step) {
    Object p99 = step.getJsonObject("latencyMs").getValue("p99");
    return p99 == null ? Double.POSITIVE_INFINITY : ((Number) p99).doubleValue();
  }
}
