package chat.bench;

import chat.bench.client.Accounts;
import chat.bench.client.Channels;
import chat.bench.client.Conn;
import chat.bench.client.Counters;
import chat.bench.client.RoomPlan;
import chat.bench.client.StepPlan;
import chat.bench.server.Proc;
import chat.bench.server.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The workloads of issue 6. Each returns its series (one per server and configuration) as JSON; the report
 * and the plot are made from that JSON. Senders are spread so that no user sends more than 5 messages/s (the
 * server's coming limit is 10/s sustained per user).
 */
final class Workloads {

  static final List<String> DEFAULT_TOPICS = List.of("general", "news", "sports", "tech");
  static final long[] W1_DELIVERIES = {2_000, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000,
    70_000, 80_000, 100_000, 120_000, 150_000, 200_000, 250_000, 300_000, 400_000};
  static final double P99_LIMIT_MS = 250;
  static final double P99_GOOD_MS = 100;
  static final double MAX_SENDS_PER_USER = 5;
  static final long DRAIN_SECONDS = 10;

  private static int stepIds;

  /** A step number no other step of this run has: a delivery names its step, and one of an earlier step is late. */
  static int nextStepId() {
    return ++stepIds;
  }

  private Workloads() {
  }

  // ------------------------------------------------------------------ smoke

  /** A few seconds, tiny load, the same code path; true when every message reached every member once, in order. */
  static JsonArray smoke(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    for (String kind : List.of("chat", "baseline")) {
      Target t = kind.equals("chat") ? h.chat(1, DEFAULT_TOPICS, List.of()) : h.baseline();
      JsonObject s = h.series("smoke-" + kind, t, kind + ", 20 members, 10 msg/s for 2 s").put("members", 20);
      List<Conn> conns = h.conns(t, 20, i -> "global", i -> List.of("chat.room.global"));
      s.put("connect", h.connect(t, conns, 20, false));
      JsonObject step = Measure.step(h.fleet, h.processes(t), globalPlan(conns, 10, 2, List.of()), 5,
        "smoke " + kind, c -> { });
      s.getJsonArray("steps").add(step);
      h.fleet.closeAll();
      h.stop(t);
      series.add(s);
    }
    return series;
  }

  static boolean smokePassed(JsonArray series) {
    for (int i = 0; i < series.size(); i++) {
      for (Object step : series.getJsonObject(i).getJsonArray("steps")) {
        JsonObject s = (JsonObject) step;
        if (!Measure.clean(s) || !s.getLong("delivered").equals(s.getLong("expected"))
          || !s.getLong("acked").equals(s.getLong("sent")) || s.getLong("closedByServer") > 0) {
          return false;
        }
      }
    }
    return !series.isEmpty();
  }

  // ------------------------------------------------------------------ W1

  /**
   * Global room of N members, rate stepped up until p99 > 250 ms or any loss; chat on 2 nodes, then baseline.
   * With --via, chat once per way in (directly, through nginx), each on fresh nodes so that neither inherits the
   * other's compiled code or history; the baseline is measured directly only.
   */
  static JsonArray w1(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    int largest = h.options.members().stream().mapToInt(Integer::intValue).max().orElse(0);
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, true)) {
        continue;
      }
      for (String via : kind.equals("chat") ? h.options.via() : List.of("direct")) {
        Target t = kind.equals("baseline") ? h.baseline()
          : via.equals("nginx") ? h.chatViaNginx(2, DEFAULT_TOPICS, List.of(), largest)
          : h.chat(2, DEFAULT_TOPICS, List.of());
        for (int n : h.options.members()) {
          series.add(w1Series(h, t, n));
          if (h.outOfTime()) {
            break;
          }
        }
        h.stop(t);
      }
    }
    return series;
  }

  private static JsonObject w1Series(Harness h, Target t, int n) throws Exception {
    boolean proxied = !t.via().equals("direct");
    String title = t.kind().equals("chat") ? "chat" + (proxied ? " via " + t.via() + " (TLS)" : "") + ", 2 nodes, " + n
      + " members" : "baseline, " + n + " members";
    String name = t.kind() + (proxied ? "-" + t.via() : "");
    System.out.printf("%n[w1] %s%n", title);
    JsonObject s = h.series("w1-" + name + "-" + n, t, title).put("members", n);
    List<Conn> conns = h.conns(t, n, i -> "global", i -> List.of("chat.room.global"));
    s.put("connect", h.connect(t, conns, 200, true));
    List<Long> rates = new ArrayList<>();
    for (long d : W1_DELIVERIES) {
      if (d >= n) {
        rates.add(d);
      }
    }
    warmUpGlobal(h, t, conns);
    Runnable profileDone = profile(h, t, s);
    JsonArray steps = s.getJsonArray("steps");
    for (long d : rates) {
      String label = String.format("%s N=%d %,d/s", name, n, d);
      JsonObject step = Measure.step(h.fleet, h.processes(t),
        globalPlan(conns, d / (double) n, h.options.stepSecondsOr(8), List.of()), DRAIN_SECONDS, label, c -> { });
      steps.add(step);
      if (Measure.clean(step) && Measure.p99(step) > P99_LIMIT_MS) {
        // a p99 over the limit with nothing lost may be one stall of this shared box: the same rate once more
        // decides (both steps are kept)
        System.out.println("  p99 over the limit without loss: repeating this rate once");
        step = Measure.step(h.fleet, h.processes(t),
          globalPlan(conns, d / (double) n, h.options.stepSecondsOr(8), List.of()), DRAIN_SECONDS, label + " repeat",
          c -> { });
        steps.add(step);
      }
      if (!Measure.clean(step) || Measure.p99(step) > P99_LIMIT_MS) {
        s.getJsonArray("notes").add(String.format("stopped at %,d deliveries/s: %s", d, why(step)));
        break;
      }
      if (h.outOfTime()) {
        s.getJsonArray("notes").add("stopped: workload time limit reached");
        break;
      }
    }
    profileDone.run();
    s.put("best", best(steps));
    h.fleet.closeAll();
    return s;
  }

  /**
   * With --profile, records node1 of a chat target with JFR from now until the returned action runs, which
   * stores the summary in the series (and bench/results/profile-&lt;series&gt;.txt).
   */
  private static Runnable profile(Harness h, Target t, JsonObject series) {
    if (!h.options.profile() || !t.kind().equals("chat")) {
      return () -> { };
    }
    Proc node = t.nodes().get(0);
    String id = series.getString("id");
    Path jfr = h.options.runDir().resolve(id + ".jfr");
    node.jcmd("JFR.start", "name=bench", "settings=profile", "filename=" + jfr);
    return () -> {
      node.jcmd("JFR.stop", "name=bench");
      series.put("profile", Profile.summarize(jfr, h.options, id));
    };
  }

  static String why(JsonObject step) {
    List<String> reasons = new ArrayList<>();
    if (Measure.p99(step) > P99_LIMIT_MS) {
      reasons.add("p99 " + step.getJsonObject("latencyMs").getValue("p99") + " ms > " + (int) P99_LIMIT_MS);
    }
    if (step.getLong("lost") > 0) {
      reasons.add(step.getLong("lost") + " lost");
    }
    if (step.getLong("sendErrors") > 0) {
      reasons.add(step.getLong("sendErrors") + " sends refused");
    }
    if (step.getLong("duplicates") > 0 || step.getLong("reordered") > 0) {
      reasons.add(step.getLong("duplicates") + " duplicated, " + step.getLong("reordered") + " reordered");
    }
    return String.join(", ", reasons);
  }

  /** Offered deliveries/s of the highest step with zero loss and p99 under 100 ms, or 0. */
  static long best(JsonArray steps) {
    long best = 0;
    for (Object o : steps) {
      JsonObject step = (JsonObject) o;
      if (Measure.clean(step) && Measure.p99(step) < P99_GOOD_MS) {
        best = Math.max(best, step.getLong("offeredDeliveries"));
      }
    }
    return best;
  }

  /** Warm-up before W2's and W3's measured step, at (or above) its rate. */
  static final long WARM_UP_NANOS = 10_000_000_000L;
  static final int MAX_WARM_UP_ROUNDS = 6;
  static final double JIT_DONE_CORES = 0.05;

  /**
   * Runs the load in rounds of 10 s until the JIT compilers of every server use less than 0.05 of a core, at most
   * 6 rounds. With a fixed 10 s the compiler threads of a chat node still took a third of its CPU samples during
   * W2's measured step, on a machine whose cores the step keeps busy.
   */
  static void warmUp(Harness h, Target t, List<RoomPlan> rooms) throws Exception {
    for (int round = 1; round <= MAX_WARM_UP_ROUNDS; round++) {
      Map<Proc, Double> before = Measure.jitCpu(t.processes());
      long started = System.nanoTime();
      h.fleet.runStep(new StepPlan(++stepIds, System.nanoTime() + 300_000_000L, WARM_UP_NANOS, rooms), DRAIN_SECONDS,
        c -> { });
      double busiest = Measure.busiestCores(before, Measure.jitCpu(t.processes()), (System.nanoTime() - started) / 1e9);
      System.out.printf("  warm-up round %d: JIT compilers on the busiest server %.2f cores%n", round, busiest);
      if (busiest < JIT_DONE_CORES) {
        return;
      }
    }
  }

  /** W1's and W6's warm-up rate: a fifth of the lowest best rate any W1 series has reached on a 2-core box. */
  static final long WARM_UP_DELIVERIES = 20_000;

  /**
   * Warms a global room up as W2 and W3 are, until the JIT compilers are quiet (issue 18: with a fixed 5 s the
   * compiler threads still used up to a quarter of a core during W1's steps).
   */
  static void warmUpGlobal(Harness h, Target t, List<Conn> conns) throws Exception {
    double msgs = WARM_UP_DELIVERIES / (double) conns.size();
    System.out.printf("  warm-up at %.1f msg/s (%,d deliveries/s) until the JIT compilers are quiet%n", msgs,
      WARM_UP_DELIVERIES);
    warmUp(h, t, List.of(globalRoom(conns, msgs, List.of(), 0)));
  }

  // ------------------------------------------------------------------ W2

  /** Many rooms: 1,000 rooms × 10 members, each room 1 msg/s; then 100 rooms × 100 members, each 1 msg/s. */
  static JsonArray w2(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, true)) {
        continue;
      }
      Target t = kind.equals("chat") ? h.chat(2, w2Topics(), List.of()) : h.baseline();
      series.add(roomsSeries(h, t, "w2", "w2-" + kind + "-1000x10", "rooms", 10,
        i -> String.format("topic.r%04d", i / 10), h.options.stepSecondsOr(20), true));
      // no heap figure for the second shape: the node still holds what the first one left behind
      series.add(roomsSeries(h, t, "w2", "w2-" + kind + "-100x100", "rooms", 100,
        i -> String.format("topic.h%03d", i / 100), h.options.stepSecondsOr(20), false));
      h.stop(t);
    }
    return series;
  }

  /** W2's configured topics: the default four, r0000..r0999 and h000..h099 (W7 configures the same). */
  static List<String> w2Topics() {
    List<String> topics = new ArrayList<>(DEFAULT_TOPICS);
    for (int r = 0; r < 1000; r++) {
      topics.add(String.format("r%04d", r));
    }
    for (int r = 0; r < 100; r++) {
      topics.add(String.format("h%03d", r));
    }
    return topics;
  }

  /**
   * 10,000 users in rooms of {@code roomSize}, user i in room(i), each room 1 msg/s sent by up to 10 of its members
   * in turn, warmed up until the JIT compilers are done, then one measured step. {@code rooms} names the kind of
   * room in the title ("rooms", "topics", "channels").
   */
  private static JsonObject roomsSeries(Harness h, Target t, String workload, String id, String rooms, int roomSize,
                                        IntFunction<String> room, int seconds, boolean heap) throws Exception {
    int users = 10_000;
    String shape = (users / roomSize) + " " + rooms + " × " + roomSize + " members, 1 msg/s per "
      + (rooms.equals("rooms") ? "room" : rooms.substring(0, rooms.length() - 1));
    String title = t.kind().equals("chat") ? "chat, 2 nodes, " + shape : "baseline, " + shape;
    System.out.printf("%n[%s] %s%n", workload, title);
    JsonObject s = h.series(id, t, title).put("members", users);
    List<Conn> conns = h.conns(t, users, room, i -> List.of("chat.room." + room.apply(i)));
    s.put("connect", h.connect(t, conns, 200, heap));
    List<RoomPlan> plans = roomPlans(conns, 1.0, Math.min(roomSize, 10), List.of());
    warmUp(h, t, plans);
    StepPlan plan = new StepPlan(++stepIds, System.nanoTime() + 300_000_000L, seconds * 1_000_000_000L, plans);
    Runnable profileDone = profile(h, t, s);
    s.getJsonArray("steps").add(Measure.step(h.fleet, h.processes(t), plan, DRAIN_SECONDS, id, c -> { }));
    profileDone.run();
    h.fleet.closeAll();
    return s;
  }

  // ------------------------------------------------------------------ W3

  /** Private rooms: 5,000 pairs (members on different nodes), each pair 1 msg every 10 s. */
  static JsonArray w3(Harness h) throws Exception {
    int users = 10_000;
    JsonArray series = new JsonArray();
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, true)) {
        continue;
      }
      Target t = kind.equals("chat") ? h.chat(2, DEFAULT_TOPICS, List.of()) : h.baseline();
      String title = (kind.equals("chat") ? "chat, 2 nodes, " : "baseline, ") + "5,000 dm pairs, 1 msg/10 s per pair";
      System.out.printf("%n[w3] %s%n", title);
      JsonObject s = h.series("w3-" + kind, t, title).put("members", users);
      IntFunction<String> room = i -> "dm." + Accounts.name(i & ~1) + "." + Accounts.name(i | 1);
      List<Conn> conns = h.conns(t, users, room, i -> List.of("chat.room." + room.apply(i)));
      s.put("connect", h.connect(t, conns, 200, true));
      List<RoomPlan> rooms = roomPlans(conns, 0.1, 2, List.of());
      warmUp(h, t, roomPlans(conns, 0.2, 2, List.of()));
      StepPlan plan = new StepPlan(++stepIds, System.nanoTime() + 300_000_000L,
        h.options.stepSecondsOr(30) * 1_000_000_000L, rooms);
      Runnable profileDone = profile(h, t, s);
      s.getJsonArray("steps").add(Measure.step(h.fleet, h.processes(t), plan, DRAIN_SECONDS, "w3 " + kind, c -> { }));
      profileDone.run();
      h.fleet.closeAll();
      h.stop(t);
      series.add(s);
    }
    return series;
  }

  // ------------------------------------------------------------------ W4

  static final int W4_WARMUP_BURSTS = 2;

  /** Churn: 5,000 logged-in users open their sockets and register global + one topic room in one burst. */
  static JsonArray w4(Harness h) throws Exception {
    int users = 5_000;
    JsonArray series = new JsonArray();
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, true)) {
        continue;
      }
      Target t = kind.equals("chat") ? h.chat(2, DEFAULT_TOPICS, List.of()) : h.baseline();
      String title = (kind.equals("chat") ? "chat, 2 nodes, " : "baseline, ")
        + "5,000 sockets × 2 registrations in one burst";
      System.out.printf("%n[w4] %s%n", title);
      JsonObject s = h.series("w4-" + kind, t, title).put("members", users);
      IntFunction<List<String>> rooms =
        i -> List.of("chat.room.global", "chat.room.topic." + DEFAULT_TOPICS.get(i % DEFAULT_TOPICS.size()));
      // The same burst first on the fresh servers (their socket code has not run yet: the users logged in over
      // HTTP only), then again once they are quiet: a first burst spends half of a node's CPU in the JIT compiler,
      // and later ones still a third, as more of the handshake path gets hot enough for C2. The measured burst is
      // then closer to the churn of a running node (a node restarting and its users reconnecting to the others);
      // every warm-up burst is reported too.
      JsonArray warmups = new JsonArray();
      s.put("warmupConnects", warmups);
      for (int burst = 1; burst <= W4_WARMUP_BURSTS; burst++) {
        System.out.printf("  warm-up burst %d of %d%s:%n", burst, W4_WARMUP_BURSTS, burst == 1 ? " (cold servers)" : "");
        warmups.add(h.connect(t, h.conns(t, users, i -> "global", rooms), users, false));
        h.fleet.closeAll();
        System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));
      }
      System.out.println("  measured burst:");
      List<Conn> conns = h.conns(t, users, i -> "global", rooms);
      // every socket at once: the connect queue per event loop is as long as the burst
      s.put("connect", h.connect(t, conns, users, true));
      // a short trickle afterwards proves the fresh subscriptions deliver
      StepPlan plan = globalPlan(conns, 2, 5, List.of());
      s.getJsonArray("steps").add(Measure.step(h.fleet, h.processes(t), plan, DRAIN_SECONDS, "w4 " + kind, c -> { }));
      h.fleet.closeAll();
      h.stop(t);
      series.add(s);
    }
    return series;
  }

  // ------------------------------------------------------------------ W5

  /**
   * Slow consumers: 2,000 members at 10,000 deliveries/s of ~1 KB messages; 30 s reference, then 2 min with 1% not
   * reading. The 20 slow sockets have 4 KB receive buffers, so their backlog lands in the server, not the kernel.
   */
  static JsonArray w5(Harness h) throws Exception {
    int n = 2_000;
    double msgs = 5;
    int padding = 1000;
    JsonArray series = new JsonArray();
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, kind.equals("chat"))) {
        continue;
      }
      Target t = kind.equals("chat") ? h.chat(2, DEFAULT_TOPICS, List.of()) : h.baseline();
      String title = (kind.equals("chat") ? "chat, 2 nodes, " : "baseline, ") + "2,000 members, 5 msg/s of 1 KB, 1% stop reading";
      System.out.printf("%n[w5] %s%n", title);
      JsonObject s = h.series("w5-" + kind, t, title).put("members", n);
      List<Conn> conns = h.conns(t, n, i -> "global", i -> List.of("chat.room.global"));
      List<Conn> slow = new ArrayList<>();
      for (int i = n - 1; slow.size() < n / 100; i -= 97) {
        slow.add(conns.get(i));
        conns.get(i).smallReceiveBuffer = true;
      }
      s.put("connect", h.connect(t, conns, 200, true));
      h.fleet.runStep(globalPlan(conns, msgs, 3, List.of(), padding), DRAIN_SECONDS, c -> { });
      JsonArray steps = s.getJsonArray("steps");
      steps.add(Measure.step(h.fleet, h.processes(t), globalPlan(conns, msgs, 30, List.of(), padding), DRAIN_SECONDS,
        "w5 " + kind + " reference", c -> { }));
      h.fleet.pause(slow);
      JsonArray heap = new JsonArray();
      long t0 = System.nanoTime();
      long[] nextSample = {t0};
      Consumer<Counters> sampler = c -> {
        if (System.nanoTime() >= nextSample[0]) {
          nextSample[0] += 10_000_000_000L;
          JsonObject sample = new JsonObject().put("t", Math.round((System.nanoTime() - t0) / 1e9));
          for (Proc node : t.nodes()) {
            sample.put(node.name, Math.round(node.heapUsed() / 1e6));
          }
          heap.add(sample);
          System.out.println("    heap in use (MB, no GC): " + sample.encode());
        }
      };
      JsonObject slowStep = Measure.step(h.fleet, h.processes(t),
        globalPlan(conns, msgs, h.options.stepSecondsOr(120), slow, padding), DRAIN_SECONDS, "w5 " + kind + " 1% slow",
        sampler);
      steps.add(slowStep);
      s.getJsonArray("notes").add(String.format("%d of %d slow sockets were cut off by the server; the others' p99 went"
          + " from %s ms to %s ms", slowStep.getLong("slowClosed"), slow.size(),
        steps.getJsonObject(0).getJsonObject("latencyMs").getValue("p99"), slowStep.getJsonObject("latencyMs").getValue("p99")));
      JsonObject after = new JsonObject();
      for (Proc node : t.nodes()) {
        after.put(node.name, Math.round(node.heapAfterGc() / 1e6));
      }
      s.put("heapSamplesMB", heap).put("heapAfterGcMB", after);
      s.getJsonArray("notes").add("heap in use every 10 s (MB, no GC): " + heap.encode());
      s.getJsonArray("notes").add("heap after GC at the end (MB): " + after.encode());
      h.fleet.closeAll();
      h.stop(t);
      series.add(s);
    }
    return series;
  }

  // ------------------------------------------------------------------ W6

  /** The same load (1,000 members, 5k to 60k deliveries/s) on 1, 2 and 3 nodes, and on the baseline. */
  static JsonArray w6(Harness h) throws Exception {
    int n = 1_000;
    long[] deliveries = {5_000, 20_000, 40_000, 60_000};
    JsonArray series = new JsonArray();
    List<Object> setups = new ArrayList<>(List.of(1, 2, 3));
    if (h.options.measures("baseline", true)) {
      setups.add("baseline");
    }
    for (Object setup : setups) {
      if (setup instanceof Integer nodes && !h.options.measures("chat", true)) {
        continue;
      }
      Target t = setup instanceof Integer nodes ? h.chat(nodes, DEFAULT_TOPICS, List.of()) : h.baseline();
      String title = setup instanceof Integer nodes ? "chat, " + nodes + " node" + (nodes == 1 ? " (unclustered)" : "s")
        : "baseline";
      System.out.printf("%n[w6] %s, %d members%n", title, n);
      JsonObject s = h.series("w6-" + setup, t, title + ", " + n + " members").put("members", n);
      List<Conn> conns = h.conns(t, n, i -> "global", i -> List.of("chat.room.global"));
      s.put("connect", h.connect(t, conns, 200, true));
      warmUpGlobal(h, t, conns);
      for (long d : deliveries) {
        s.getJsonArray("steps").add(Measure.step(h.fleet, h.processes(t),
          globalPlan(conns, d / (double) n, h.options.stepSecondsOr(15), List.of()), DRAIN_SECONDS,
          String.format("w6 %s %,d/s", setup, d), c -> { }));
      }
      h.fleet.closeAll();
      h.stop(t);
      series.add(s);
    }
    return series;
  }

  // ------------------------------------------------------------------ W7

  static final int W7_CHANNELS = 200;
  static final int W7_MEMBERS = 50;

  /**
   * Channels (issue 16) against W2's topics at one size: 10,000 users as 200 rooms × 50 members, each room 1 msg/s
   * sent by 10 of its members in turn (10,000 deliveries/s), first in 200 of W2's configured topics (the nodes
   * configure all of W2's), then in 200 public channels made over the HTTP API, on the same nodes in the same run.
   * The two differ only in what a channel adds: the membership check the contract asks at register and send. The
   * baseline, when asked for with --targets, runs the topics' shape.
   */
  static JsonArray w7(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    int seconds = h.options.stepSecondsOr(20);
    for (String kind : List.of("chat", "baseline")) {
      if (!h.options.measures(kind, kind.equals("chat"))) {
        continue;
      }
      boolean chat = kind.equals("chat");
      Target t = chat ? h.chat(2, w2Topics(), List.of()) : h.baseline();
      series.add(roomsSeries(h, t, "w7", "w7-" + kind + "-topics-200x50", chat ? "topics" : "rooms", W7_MEMBERS,
        i -> String.format("topic.r%04d", i / W7_MEMBERS), seconds, true));
      if (chat) {
        JsonObject setup = makeChannels(h, t);
        // no heap figure, as for W2's second shape: the nodes still hold what the topics' run left behind
        JsonObject s = roomsSeries(h, t, "w7", "w7-chat-channels-200x50", "channels", W7_MEMBERS,
          i -> "channel." + channelName(i / W7_MEMBERS), seconds, false);
        s.put("channelSetup", setup);
        JsonObject ms = setup.getJsonObject("requestMs");
        s.getJsonArray("notes").add(String.format("%d channels made over HTTP before the sockets opened (%d creates,"
            + " %,d joins, %d at a time) in %.1f s: p50 %s ms, p99 %s ms per request", W7_CHANNELS, W7_CHANNELS,
          setup.getInteger("requests") - W7_CHANNELS, CHANNEL_REQUESTS_AT_ONCE, setup.getDouble("seconds"),
          Report.fmt(ms.getValue("p50")), Report.fmt(ms.getValue("p99"))));
        setup.getJsonArray("contractDifferences").forEach(d -> s.getJsonArray("notes").add("differs from the issue 16"
          + " contract: " + d));
        series.add(s);
      }
      h.stop(t);
    }
    return series;
  }

  static final int CHANNEL_REQUESTS_AT_ONCE = 32;

  /** Channel c's name: not a configured topic's (those are reserved), lower case as the server keeps it. */
  static String channelName(int c) {
    return String.format("w7-%03d", c);
  }

  /**
   * The 200 channels of W7 over the HTTP API: user 50c creates channel c, users 50c+1 .. 50c+49 join it; then one
   * channel's details are read back to check the membership the sockets will rely on.
   */
  private static JsonObject makeChannels(Harness h, Target t) throws Exception {
    List<Accounts.User> users = h.users(t, W7_CHANNELS * W7_MEMBERS);
    List<Channels.Group> groups = new ArrayList<>();
    for (int c = 0; c < W7_CHANNELS; c++) {
      List<Integer> members = new ArrayList<>();
      for (int m = 0; m < W7_MEMBERS; m++) {
        members.add(c * W7_MEMBERS + m);
      }
      groups.add(new Channels.Group(channelName(c), members));
    }
    System.out.printf("  making %d channels over HTTP: %d creates, then %,d joins%n", W7_CHANNELS, W7_CHANNELS,
      W7_CHANNELS * (W7_MEMBERS - 1));
    long[] last = {0};
    Channels.Setup setup = Channels.make(h.fleet.vertx(), t.endpoints(), users, groups, CHANNEL_REQUESTS_AT_ONCE,
      done -> {
        if (System.nanoTime() - last[0] > 2_000_000_000L) {
          last[0] = System.nanoTime();
          System.out.printf("    channels: %,d of %,d requests answered%n", done, W7_CHANNELS * W7_MEMBERS);
        }
      });
    JsonObject result = new JsonObject().put("channels", W7_CHANNELS).put("requests", setup.requests())
      .put("seconds", Measure.round(setup.seconds(), 2)).put("requestMs", Measure.percentiles(setup.latency()));
    List<String> differences = new ArrayList<>(setup.contractDifferences());
    // one channel read back, from the other node than its owner's where there are two
    int reader = Math.min(1, users.size() - 1);
    JsonObject details = Channels.details(h.fleet.vertx(), t.endpoints().get(reader % t.endpoints().size()),
      users.get(reader), channelName(0));
    Object count = details.getValue("memberCount");
    Object listed = details.getValue("members") instanceof JsonArray a ? a.size() : null;
    if (!Integer.valueOf(W7_MEMBERS).equals(count) || !Integer.valueOf(W7_MEMBERS).equals(listed)) {
      differences.add(String.format("GET /api/channels/%s after %d members joined: memberCount %s, %s members listed",
        channelName(0), W7_MEMBERS, count, listed));
    }
    result.put("contractDifferences", new JsonArray(differences));
    JsonObject ms = result.getJsonObject("requestMs");
    System.out.printf("  %d channels made in %.1f s (%,d requests): p50 %s ms, p99 %s ms per request%n", W7_CHANNELS,
      setup.seconds(), setup.requests(), ms.getValue("p50"), ms.getValue("p99"));
    differences.forEach(d -> System.out.println("  ! differs from the issue 16 contract: " + d));
    return result;
  }

  // ------------------------------------------------------------------ plans

  /** All conns in the global room at msgs/s, sent by the first few members (none of the slow ones). */
  static StepPlan globalPlan(List<Conn> conns, double msgsPerSecond, double seconds, List<Conn> slow) {
    return globalPlan(conns, msgsPerSecond, seconds, slow, 0);
  }

  static StepPlan globalPlan(List<Conn> conns, double msgsPerSecond, double seconds, List<Conn> slow, int padding) {
    return new StepPlan(++stepIds, System.nanoTime() + 300_000_000L, Math.round(seconds * 1e9),
      List.of(globalRoom(conns, msgsPerSecond, slow, padding)));
  }

  /** The global room at msgs/s, sent by the first few members (none of the slow ones). */
  static RoomPlan globalRoom(List<Conn> conns, double msgsPerSecond, List<Conn> slow, int padding) {
    int senders = (int) Math.min(conns.size() - slow.size(), Math.max(2, Math.ceil(msgsPerSecond / MAX_SENDS_PER_USER)));
    List<Conn> sending = conns.stream().filter(c -> !slow.contains(c)).limit(senders).toList();
    return new RoomPlan("global", conns, sending, msgsPerSecond, conns.size() - slow.size(), padding);
  }

  /** One plan per room the conns are in, each room at msgsPerRoom with its first sendersPerRoom members sending. */
  static List<RoomPlan> roomPlans(List<Conn> conns, double msgsPerRoom, int sendersPerRoom, List<Conn> slow) {
    Map<String, List<Conn>> byRoom = new LinkedHashMap<>();
    conns.forEach(c -> byRoom.computeIfAbsent(c.room, r -> new ArrayList<>()).add(c));
    List<RoomPlan> rooms = new ArrayList<>();
    byRoom.forEach((room, members) -> rooms.add(new RoomPlan(room, members,
      members.subList(0, Math.min(sendersPerRoom, members.size())), msgsPerRoom)));
    return rooms;
  }
}
