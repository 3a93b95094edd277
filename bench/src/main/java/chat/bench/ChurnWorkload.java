package chat.bench;

import chat.bench.client.Conn;
import chat.bench.client.Counters;
import chat.bench.client.HistoryCheck;
import chat.bench.client.Ledger;
import chat.bench.client.RoomPlan;
import chat.bench.client.StepPlan;
import chat.bench.server.ChatCluster;
import chat.bench.server.MachineLoad;
import chat.bench.server.Proc;
import chat.bench.server.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * W8, cold and churning nodes (issue 18, point 5): 2,000 members of the global room on 2 nodes (user i on node
 * i % 2) at 10 msg/s, 20,000 deliveries/s, open loop as in the other workloads, after the JIT warm-up and an
 * unmeasured rehearsal of a reconnect burst; then two events, each measured second by second from 10 s before it
 * to 60 s after it:
 * <ol>
 * <li>node2 restarts: SIGTERM (it closes its sockets and leaves the cluster), then the same node from the same config
 *     and port. Its 1,000 members reconnect as the page does (bus.js: after 1 s, 2 s, 4 s, then every 5 s, each
 *     ±25%) to node2 itself, so they are back on it as soon as it listens and the cold node serves them through its
 *     first minute. (Behind nginx they would go to node1 while node2 is down and stay there; the cold node would
 *     then serve nobody.) Its sender skips its turns while away, as its user could not send either.</li>
 * <li>500 members (250 per node, none of the senders) close their sockets and open them again at once, all in
 *     the same second, while the other 1,500 keep receiving. The nodes are warmed up again first.</li>
 * </ol>
 * Loss is owed only to members that were registered from a message's send to its reply (see {@link Ledger});
 * duplicates count for everyone. After each event one member that was away reads the room's history back, as its
 * page would to catch up: every stored message must be there once, and nothing refused.
 */
final class ChurnWorkload {

  static final int MEMBERS = 2_000;
  static final double MSGS_PER_SECOND = 10;
  static final int BEFORE_SECONDS = 10;
  static final int AFTER_SECONDS = 60;
  /** Room in the restart's fixed length for SIGTERM → both nodes healthy again, before the cold node's minute. */
  static final int RESTART_ALLOWANCE_SECONDS = 30;
  static final long RESTART_TIMEOUT_SECONDS = 120;
  static final int RESTARTED_NODE = 1;
  static final int BURST = 500;
  /** The burst's members: 1,000 … 1,499, half on each node, far from the senders (members 0 and 1). */
  static final int BURST_FIRST = 1_000;
  static final double P99_LIMIT_MS = Workloads.P99_LIMIT_MS;

  private ChurnWorkload() {
  }

  static JsonArray w8(Harness h) throws Exception {
    Target t = h.chat(2, Workloads.DEFAULT_TOPICS, List.of());
    ChatCluster cluster = (ChatCluster) t;
    String title = String.format("chat, 2 nodes, %,d members, %.0f msg/s (%,d deliveries/s)", MEMBERS,
      MSGS_PER_SECOND, Math.round(MEMBERS * MSGS_PER_SECOND));
    System.out.printf("%n[w8] %s%n", title);
    JsonObject s = h.series("w8-chat", t, title).put("members", MEMBERS);
    // presence too, as every page registers it: each member who leaves and comes back may be news to all the others
    List<Conn> conns = h.conns(t, MEMBERS, i -> "global", i -> List.of("chat.room.global", "chat.presence"));
    s.put("connect", h.connect(t, conns, 200, false));
    List<RoomPlan> rooms = Workloads.globalPlan(conns, MSGS_PER_SECOND, 1, List.of()).rooms();
    Workloads.warmUp(h, t, rooms);
    rehearse(h, conns);
    System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));

    int after = h.options.stepSecondsOr(AFTER_SECONDS);
    JsonArray phases = new JsonArray();
    s.put("phases", phases);
    // the reader of history afterwards: member 3, on node2, not a sender
    JsonObject restart = phase(h, t, conns, "restart of node2", BEFORE_SECONDS + RESTART_ALLOWANCE_SECONDS + after,
      marks -> restartNode2(cluster, marks), conns.get(3));
    phases.add(restart);
    System.out.println("  warming up again (node2 is new)");
    Workloads.warmUp(h, t, rooms);
    System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));
    List<Conn> burst = conns.subList(BURST_FIRST, BURST_FIRST + BURST);
    JsonObject reconnects = phase(h, t, conns, BURST + " reconnect at once", BEFORE_SECONDS + after,
      marks -> {
        marks.mark(String.format("%d members close their sockets and reconnect at once (%d on each node)", BURST,
          BURST / 2));
        h.fleet.drop(burst);
      }, burst.get(1));
    phases.add(reconnects);

    JsonArray steps = s.getJsonArray("steps");
    phases.forEach(p -> steps.add(((JsonObject) p).getJsonObject("step")));
    JsonArray notes = s.getJsonArray("notes");
    notes.add("the baseline server has no cluster and cannot restart: W8 measures the chat server only");
    notes.add(String.format("senders: members 0 (node1) and 1 (node2), %.0f msg/s each; while a sender's socket is"
      + " away it skips its turns, as its user could not send either", MSGS_PER_SECOND / 2));
    h.fleet.closeAll();
    h.stop(t);
    return new JsonArray().add(s);
  }

  /**
   * One unmeasured step with a ledger in which 500 other members (500 … 999) drop and reconnect: the reconnect
   * path and the ledger's code compiled before anything is measured, in the bench's JVM too, which otherwise
   * compiled them during the first measured event on the same two cores (0.4–0.6 of a core in a trial run).
   */
  private static void rehearse(Harness h, List<Conn> conns) throws Exception {
    System.out.println("  rehearsal: 500 members drop and reconnect in an unmeasured step");
    StepPlan plan = Workloads.globalPlan(conns, MSGS_PER_SECOND, 15, List.of()).withLedger();
    long dropAt = plan.startNanos() + 5_000_000_000L;
    boolean[] dropped = {false};
    h.fleet.runStep(plan, Workloads.DRAIN_SECONDS, seen -> {
      if (!dropped[0] && System.nanoTime() >= dropAt) {
        dropped[0] = true;
        try {
          h.fleet.drop(conns.subList(BURST_FIRST - BURST, BURST_FIRST));
        } catch (Exception e) {
          throw new IllegalStateException("rehearsal: " + e.getMessage(), e);
        }
      }
    });
    Ledger ledger = h.fleet.ledger(plan, 30);
    System.out.printf("  rehearsal: %,d members registered again (p99 %s ms), %,d owed deliveries lost%n",
      ledger.rejoin.getTotalCount(), Measure.percentiles(ledger.rejoin).getValue("p99"), ledger.lost);
  }

  /**
   * SIGTERM to node2, wait for it to end, start it again, wait until both nodes' /health show the cluster. Notes
   * which node orders the global room before and after: the restarted node has a new id, so the room's owner may
   * move to it.
   */
  private static void restartNode2(ChatCluster cluster, Marks marks) {
    String before = globalOwner(cluster);
    marks.mark("SIGTERM to node2 (it closes its sockets and leaves the cluster)");
    boolean clean = cluster.stopNode(RESTARTED_NODE);
    marks.mark(clean ? "node2 exited" : "node2 still there 20 s after SIGTERM: killed");
    cluster.startNode(RESTARTED_NODE);
    marks.mark("node2 started again (same config, same port)");
    cluster.awaitWhole(RESTART_TIMEOUT_SECONDS);
    marks.mark("both nodes' /health UP with a cluster of 2");
    marks.note(String.format("the global room's owner (the node that stores and publishes its messages): %s before"
      + " the restart, %s after", before, globalOwner(cluster)));
  }

  /** The node that orders the global room, as chat.room.RoomOwners picks it from the node ids; or "unknown". */
  static String globalOwner(ChatCluster cluster) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < cluster.nodes().size(); i++) {
      ids.add(cluster.nodeId(i));
    }
    if (ids.contains(null)) {
      return "unknown";
    }
    String best = null;
    long bestWeight = Long.MIN_VALUE;
    for (String id : ids) {
      // the server's rendezvous hash (RoomOwners.weight), repeated here: the bench cannot see the server's classes
      java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
      crc.update((id + "\n" + "global").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long x = crc.getValue() * 0x9E3779B97F4A7C15L;
      long weight = x ^ (x >>> 29);
      if (weight > bestWeight || weight == bestWeight && id.compareTo(best) < 0) {
        best = id;
        bestWeight = weight;
      }
    }
    return cluster.nodes().get(ids.indexOf(best)).name;
  }

  @FunctionalInterface
  private interface Event {
    void run(Marks marks) throws Exception;
  }

  /** Moments of a phase, in seconds from the step's start, each with what happened. */
  private static final class Marks {
    private final long start;
    private final JsonArray marks = new JsonArray();
    private final JsonArray notes = new JsonArray();

    Marks(long start) {
      this.start = start;
    }

    synchronized void mark(String what) {
      at(System.nanoTime(), what);
    }

    synchronized void at(long nanos, String what) {
      double t = Measure.round((nanos - start) / 1e9, 1);
      marks.add(new JsonObject().put("t", t).put("what", what));
      System.out.printf("    t=%5.1fs %s%n", t, what);
    }

    synchronized JsonArray list() {
      return marks.copy();
    }

    /** Something learnt about the event, not a moment of it. */
    synchronized void note(String what) {
      notes.add(what);
      System.out.println("    " + what);
    }

    synchronized JsonArray notes() {
      return notes.copy();
    }
  }

  // ------------------------------------------------------------------ one event, measured

  /**
   * One open-loop step of {@code seconds} with a ledger; {@code event} runs on a thread of its own
   * {@link #BEFORE_SECONDS} into it. Afterwards {@code reader} (one of the members that were away) reads the
   * step's messages back from history.
   */
  private static JsonObject phase(Harness h, Target t, List<Conn> conns, String name, int seconds, Event event,
                                  Conn reader) throws Exception {
    System.out.printf("  %s: %d s at %.0f msg/s, the event %d s in%n", name, seconds, MSGS_PER_SECOND,
      BEFORE_SECONDS);
    StepPlan plan = Workloads.globalPlan(conns, MSGS_PER_SECOND, seconds, List.of()).withLedger();
    int bins = seconds + (int) Workloads.DRAIN_SECONDS + 1;
    Marks marks = new Marks(plan.startNanos());
    CpuBySecond cpu = new CpuBySecond(h, t, plan.startNanos(), bins);
    Thread sampler = new Thread(cpu, "w8-cpu");
    sampler.setDaemon(true);
    sampler.start();
    String[] failure = {null};
    Thread happening = new Thread(() -> {
      try {
        Thread.sleep(Math.max(0, (plan.startNanos() + BEFORE_SECONDS * 1_000_000_000L - System.nanoTime()) / 1_000_000));
        event.run(marks);
      } catch (Exception e) {
        failure[0] = e.toString();
        marks.mark("the event failed: " + e.getMessage());
      }
    }, "w8-event");
    happening.setDaemon(true);
    happening.start();
    long[] lastPrint = {0};
    Counters c = h.fleet.runStep(plan, Workloads.DRAIN_SECONDS, seen -> {
      long now = System.nanoTime();
      if (now - lastPrint[0] >= 2_000_000_000L) {
        lastPrint[0] = now;
        System.out.printf("    %-24s t=%5.1fs sent %,d  replies %,d  delivered %,d  sockets closed by a server %,d%n",
          name, (now - plan.startNanos()) / 1e9, seen.sent, seen.acked, seen.delivered, seen.closedByServer);
      }
    });
    // once more, now surely after the sending ended, so that it holds the latencies per second
    c = h.fleet.snapshot();
    happening.join(RESTART_TIMEOUT_SECONDS * 2 * 1000);
    cpu.stop();
    sampler.join(5000);
    Ledger ledger = h.fleet.ledger(plan, bins);
    if (ledger.firstRejoin > 0) {
      marks.at(ledger.firstRejoin, "first member registered again");
      marks.at(ledger.lastRejoin, String.format("last of %,d members registered again", ledger.rejoin.getTotalCount()));
    }
    JsonObject phase = new JsonObject().put("name", name).put("seconds", seconds)
      .put("eventAt", BEFORE_SECONDS).put("marks", sorted(marks.list())).put("notes", marks.notes());
    if (failure[0] != null) {
      phase.put("eventFailure", failure[0]);
    }
    totals(phase, c, ledger, plan);
    phase.put("perSecond", perSecond(c, ledger, cpu, bins));
    limits(phase);
    phase.put("history", history(h, reader, plan.step(), ledger));
    phase.put("step", step(name, plan, c, ledger, cpu, phase));
    print(phase);
    return phase;
  }

  private static JsonArray sorted(JsonArray marks) {
    List<JsonObject> list = new ArrayList<>();
    marks.forEach(m -> list.add((JsonObject) m));
    list.sort((a, b) -> Double.compare(a.getDouble("t"), b.getDouble("t")));
    return new JsonArray(new ArrayList<>(list));
  }

  private static void totals(JsonObject phase, Counters c, Ledger ledger, StepPlan plan) {
    JsonObject codes = new JsonObject();
    ledger.refusedByCode.forEach((code, n) -> codes.put(String.valueOf(code), n));
    phase.put("sent", ledger.sent).put("acked", ledger.stored).put("refused", ledger.refused)
      .put("refusedByCode", codes).put("unanswered", ledger.unanswered)
      .put("owed", ledger.owed).put("delivered", ledger.deliveredOwed).put("deliveredUnowed", ledger.deliveredUnowed)
      .put("lost", ledger.lost).put("lostWhileStaying", ledger.lostWhileStaying)
      .put("lostBeforeLeavingMs", Measure.percentiles(ledger.lostBeforeLeaving).put("min",
        ledger.lostBeforeLeaving.getTotalCount() == 0 ? null
          : Measure.round(ledger.lostBeforeLeaving.getMinValue() / 1000.0, 1)))
      .put("duplicated", c.duplicates).put("reordered", c.reordered)
      .put("closedByServer", c.closedByServer).put("presenceEvents", c.presence)
      .put("reconnectMs", Measure.percentiles(ledger.rejoin)).put("reconnectFailures", ledger.rejoinFailures)
      .put("latencyMs", Measure.percentiles(c.latency)).put("replyMs", Measure.percentiles(c.ackLatency));
    if (!ledger.lostSamples.isEmpty()) {
      JsonArray samples = new JsonArray();
      ledger.lostSamples.forEach(l -> samples.add(String.format("member %d missed sender %d's message %d (stored at"
        + " %+d s)", l[0], l[1], l[2], l[3] - BEFORE_SECONDS)));
      phase.put("lostSamples", samples);
    }
  }

  /** One row per second of the step and its drain, t counted from the event. */
  private static JsonArray perSecond(Counters c, Ledger ledger, CpuBySecond cpu, int bins) {
    JsonArray rows = new JsonArray();
    Histogram[] bySecond = c.latencyBySecond;
    int last = 0;
    for (int s = 0; s < bins; s++) {
      if (bySecond != null && s < bySecond.length && bySecond[s] != null || ledger.sentBySecond[s] > 0) {
        last = s;
      }
    }
    for (int second = 0; second <= last; second++) {
      int s = second;
      Histogram hs = bySecond == null || s >= bySecond.length ? null : bySecond[s];
      JsonObject row = new JsonObject().put("t", s - BEFORE_SECONDS)
        .put("latencyMs", hs == null ? new JsonObject().put("count", 0) : Measure.percentiles(hs))
        .put("sent", ledger.sentBySecond[s]).put("stored", ledger.storedBySecond[s])
        .put("refused", ledger.refusedBySecond[s]).put("lost", ledger.lostBySecond[s])
        .put("registered", ledger.registeredBySecond[s]);
      JsonObject cores = new JsonObject();
      cpu.cores.forEach((name, values) -> cores.put(name, Measure.round(values[s], 2)));
      JsonObject jit = new JsonObject();
      cpu.jit.forEach((name, values) -> jit.put(name, Measure.round(values[s], 2)));
      row.put("cores", cores).put("jitCores", jit).put("otherCores", Measure.round(cpu.other[s], 2));
      rows.add(row);
    }
    return rows;
  }

  /** The limits: p99 ≤ 250 ms in every second, no duplicate. */
  private static void limits(JsonObject phase) {
    JsonArray over = new JsonArray();
    JsonArray silent = new JsonArray();
    double worst = 0;
    Integer worstAt = null;
    int sending = phase.getInteger("seconds") - phase.getInteger("eventAt");
    for (Object o : phase.getJsonArray("perSecond")) {
      JsonObject row = (JsonObject) o;
      if (row.getJsonObject("latencyMs").getLong("count", 0L) == 0 && row.getInteger("t") < sending) {
        silent.add(row.getInteger("t"));
      }
      Object p99 = row.getJsonObject("latencyMs").getValue("p99");
      if (p99 instanceof Number n) {
        if (n.doubleValue() > P99_LIMIT_MS) {
          over.add(row.getInteger("t"));
        }
        if (worstAt == null || n.doubleValue() > worst) {
          worst = n.doubleValue();
          worstAt = row.getInteger("t");
        }
      }
    }
    // a second without any delivery while messages were being sent is over the limit too (nothing came within it)
    boolean met = over.isEmpty() && silent.isEmpty() && phase.getLong("duplicated") == 0;
    phase.put("limits", new JsonObject().put("met", met).put("secondsOver", over).put("secondsSilent", silent)
      .put("worstP99Ms", worst)
      .put("worstSecond", worstAt).put("duplicated", phase.getLong("duplicated")));
  }

  /**
   * The reader reads the step's messages back from history, as its page would to catch up after its reconnect:
   * each stored message must be there once; refused ones never; what the reader missed while away, all of it.
   */
  private static JsonObject history(Harness h, Conn reader, int step, Ledger ledger) {
    JsonObject result = new JsonObject().put("reader", reader.user).put("readerNode", "node" + (reader.id % 2 + 1));
    HistoryCheck.Result read;
    try {
      read = HistoryCheck.read(h.fleet.vertx(), reader, step);
    } catch (Exception e) {
      return result.put("failure", e.getMessage());
    }
    Map<Long, Integer> stored = read.stored();
    result.put("pages", read.pages()).put("stepMessagesInHistory", stored.size());
    result.put("ackedNotStored", count(ledger.storedKeys(), k -> !stored.containsKey(k)));
    result.put("storedTwice", stored.values().stream().filter(n -> n > 1).count());
    result.put("refusedButStored", count(ledger.refusedKeys(), stored::containsKey));
    result.put("deliveredNotStored", count(ledger.receivedKeys(), k -> !stored.containsKey(k)));
    result.put("lostMessages", ledger.lostKeys().size())
      .put("lostMessagesInHistory", count(ledger.lostKeys(), stored::containsKey));
    result.put("unansweredStored", count(ledger.unansweredKeys(), stored::containsKey));
    result.put("unansweredNotStored", count(ledger.unansweredKeys(), k -> !stored.containsKey(k)));
    Set<Long> missed = ledger.missedWhileAway(reader.id);
    result.put("readerRejoined", ledger.rejoined(reader.id)).put("readerMissed", missed.size())
      .put("readerMissedInHistory", count(missed, stored::containsKey));
    return result;
  }

  private static long count(Set<Long> keys, Predicate<Long> test) {
    return keys.stream().filter(test).count();
  }

  /** The phase as a step of the generic table (its CPU from the per-second samples, across the replaced node). */
  private static JsonObject step(String name, StepPlan plan, Counters c, Ledger ledger, CpuBySecond cpu,
                                 JsonObject phase) {
    double duration = plan.durationNanos() / 1e9;
    JsonObject cpuSeconds = new JsonObject();
    JsonObject cpuPer1k = new JsonObject();
    JsonObject jitCores = new JsonObject();
    double wall = cpu.sampled();
    cpu.cores.forEach((proc, values) -> {
      double used = 0;
      for (double v : values) {
        used += v;
      }
      cpuSeconds.put(proc, Measure.round(used, 2));
      cpuPer1k.put(proc, c.delivered == 0 ? null : Measure.round(used / (c.delivered / 1000.0), 4));
    });
    cpu.jit.forEach((proc, values) -> {
      double used = 0;
      for (double v : values) {
        used += v;
      }
      jitCores.put(proc, wall == 0 ? null : Measure.round(used / wall, 2));
    });
    double other = 0;
    for (double v : cpu.other) {
      other += v;
    }
    return new JsonObject()
      .put("label", "w8 " + name).put("variant", name)
      .put("offeredMsgs", Measure.round(plan.msgsPerSecond(), 2))
      .put("offeredDeliveries", Math.round(plan.deliveriesPerSecond()))
      .put("seconds", duration)
      .put("sent", ledger.sent).put("acked", ledger.stored).put("sendErrors", ledger.refused)
      .put("expected", ledger.owed).put("delivered", c.delivered)
      .put("deliveredPerSecond", Math.round(c.delivered / duration))
      .put("lost", ledger.lost).put("duplicates", c.duplicates).put("reordered", c.reordered).put("late", c.late)
      .put("closedByServer", c.closedByServer).put("slowClosed", c.slowClosed)
      .put("latencyMs", phase.getJsonObject("latencyMs")).put("replyMs", phase.getJsonObject("replyMs"))
      .put("cpuSeconds", cpuSeconds).put("cpuPer1kDeliveries", cpuPer1k).put("jitCores", jitCores)
      .put("wallSeconds", Measure.round(wall, 1))
      .put("otherCores", wall == 0 ? null : Measure.round(other / wall, 2));
  }

  private static void print(JsonObject phase) {
    System.out.printf("  per second of %s (t from the event): t count p50 p99 max ms, sent, stored, registered,"
      + " lost, cores%n", phase.getString("name"));
    for (Object o : phase.getJsonArray("perSecond")) {
      JsonObject row = (JsonObject) o;
      JsonObject l = row.getJsonObject("latencyMs");
      System.out.printf("    %+4d %7s %6s %6s %6s  %3d %3d %5d %5d  %s%n", row.getInteger("t"), l.getValue("count"),
        l.getValue("p50"), l.getValue("p99"), l.getValue("max"), row.getLong("sent"), row.getLong("stored"),
        row.getLong("registered"), row.getLong("lost"), row.getJsonObject("cores").encode());
    }
    JsonObject limits = phase.getJsonObject("limits");
    JsonObject reconnect = phase.getJsonObject("reconnectMs");
    System.out.printf("  = %s: sent %,d, stored %,d, refused %,d %s, unanswered %,d; owed %,d, delivered %,d, lost %,d,"
        + " duplicated %,d, reordered %,d; reconnect p50 %s p99 %s max %s ms (%s members, %d failed attempts);"
        + " worst second p99 %s ms at %+d s: %s%n", phase.getString("name"), phase.getLong("sent"),
      phase.getLong("acked"), phase.getLong("refused"), phase.getJsonObject("refusedByCode").encode(),
      phase.getLong("unanswered"), phase.getLong("owed"), phase.getLong("delivered"), phase.getLong("lost"),
      phase.getLong("duplicated"), phase.getLong("reordered"), reconnect.getValue("p50"), reconnect.getValue("p99"),
      reconnect.getValue("max"), reconnect.getValue("count"), phase.getLong("reconnectFailures"),
      limits.getValue("worstP99Ms"), limits.getInteger("worstSecond", 0),
      limits.getBoolean("met") ? "limits met" : "LIMITS MISSED");
    System.out.printf("  chat.presence events received by the members: %,d%n", phase.getLong("presenceEvents"));
    System.out.println("  history read back: " + phase.getJsonObject("history").encode());
    if (phase.containsKey("lostSamples")) {
      System.out.println("  lost, for example: " + phase.getJsonArray("lostSamples").encode());
    }
  }

  /**
   * Each process's CPU cores (and its JIT compiler threads') in each second of a phase, by name, so that node2
   * counts as one whether it is the old process, the new one, or neither (the new one's CPU from its birth, the
   * old one's until its last sample); "other" is the machine's busy cores minus ours.
   */
  private static final class CpuBySecond implements Runnable {
    final Map<String, double[]> cores = new LinkedHashMap<>();
    final Map<String, double[]> jit = new LinkedHashMap<>();
    final double[] other;
    private final Harness h;
    private final Target t;
    private final long start;
    private final int bins;
    private volatile boolean stopped;
    private volatile int done;

    CpuBySecond(Harness h, Target t, long start, int bins) {
      this.h = h;
      this.t = t;
      this.start = start;
      this.bins = bins;
      this.other = new double[bins];
      for (Proc p : h.processes(t)) {
        cores.put(p.name, new double[bins]);
        jit.put(p.name, new double[bins]);
      }
    }

    void stop() {
      stopped = true;
    }

    /** Seconds sampled so far. */
    double sampled() {
      return done;
    }

    @Override
    public void run() {
      try {
        Thread.sleep(Math.max(0, (start - System.nanoTime()) / 1_000_000));
        Map<Proc, double[]> last = new HashMap<>();
        for (Proc p : h.processes(t)) {
          last.put(p, new double[] {p.cpuSeconds(), p.jitCpuSeconds()});
        }
        MachineLoad machine = MachineLoad.now(List.of());
        for (int s = 0; s < bins && !stopped; s++) {
          Thread.sleep(Math.max(0, (start + (s + 1) * 1_000_000_000L - System.nanoTime()) / 1_000_000));
          MachineLoad now = MachineLoad.now(List.of());
          double busy = now.otherCoresSince(machine);
          machine = now;
          double ours = 0;
          Set<Proc> seen = new HashSet<>();
          for (Proc p : h.processes(t)) {
            seen.add(p);
            double used = p.cpuSeconds();
            double compiling = p.jitCpuSeconds();
            // a process started since the last sample: all of its CPU so far is this second's
            double[] before = last.getOrDefault(p, new double[] {0, 0});
            if (Double.isNaN(used) || Double.isNaN(before[0])) {
              continue;
            }
            cores.computeIfAbsent(p.name, n -> new double[bins])[s] += used - before[0];
            if (!Double.isNaN(compiling) && !Double.isNaN(before[1])) {
              jit.computeIfAbsent(p.name, n -> new double[bins])[s] += compiling - before[1];
            }
            ours += used - before[0];
            last.put(p, new double[] {used, compiling});
          }
          last.keySet().retainAll(seen);
          other[s] = Math.max(0, busy - ours);
          done = s + 1;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ------------------------------------------------------------------ the report block

  /** W8's part of its block: the limits, each event's totals, then each event second by second. */
  static void section(StringBuilder md, JsonObject series) {
    for (String id : series.fieldNames()) {
      JsonArray phases = series.getJsonObject(id).getJsonArray("phases");
      if (phases == null || phases.isEmpty()) {
        continue;
      }
      List<String> verdicts = new ArrayList<>();
      boolean allMet = true;
      for (Object o : phases) {
        JsonObject p = (JsonObject) o;
        JsonObject limits = p.getJsonObject("limits");
        allMet &= limits.getBoolean("met");
        List<String> missed = new ArrayList<>();
        JsonArray over = limits.getJsonArray("secondsOver");
        if (!over.isEmpty()) {
          List<String> at = new ArrayList<>();
          over.forEach(t -> at.add(String.format("%+d s", (Integer) t)));
          missed.add(String.format("p99 over %.0f ms in %d second%s (%s; worst %s ms at %+d s)", P99_LIMIT_MS,
            over.size(), over.size() == 1 ? "" : "s", String.join(", ", at), Report.fmt(limits.getValue("worstP99Ms")),
            limits.getInteger("worstSecond")));
        }
        if (limits.getLong("duplicated") > 0) {
          missed.add(limits.getLong("duplicated") + " duplicated");
        }
        JsonArray silent = limits.getJsonArray("secondsSilent", new JsonArray());
        if (!silent.isEmpty()) {
          List<String> at = new ArrayList<>();
          silent.forEach(t -> at.add(String.format("%+d s", (Integer) t)));
          missed.add("nothing delivered at all in " + String.join(", ", at) + " while messages were sent (their"
            + " latency counts in the second they arrived)");
        }
        verdicts.add(p.getString("name") + ": " + (missed.isEmpty() ? String.format("met (worst second p99 %s ms at"
          + " %+d s)", Report.fmt(limits.getValue("worstP99Ms")), limits.getInteger("worstSecond", 0))
          : "**MISSED**, " + String.join(", ", missed)));
        if (limits.getValue("worstSecond") == null) {
          verdicts.set(verdicts.size() - 1, p.getString("name") + ": nothing delivered");
          allMet = false;
        }
      }
      md.append("**Limits of issue 18 (p99 ≤ 250 ms in every second, no duplicate): ")
        .append(allMet ? "met" : "MISSED").append(".** ").append(String.join("; ", verdicts)).append(".\n\n");

      md.append("| event | what happened (s from the event) | sent / stored / refused / unanswered | owed deliveries"
          + " / delivered / lost | duplicated / reordered | reconnected members: time to registered again p50 / p99"
          + " / max ms | p50 / p99 / max ms over the step |\n|---|---|---|---|---|---|---|\n");
      for (Object o : phases) {
        JsonObject p = (JsonObject) o;
        List<String> marks = new ArrayList<>();
        for (Object m : p.getJsonArray("marks")) {
          JsonObject mark = (JsonObject) m;
          marks.add(String.format("%+.1f %s", mark.getDouble("t") - p.getInteger("eventAt"), mark.getString("what")));
        }
        JsonObject r = p.getJsonObject("reconnectMs");
        JsonObject l = p.getJsonObject("latencyMs");
        md.append("| ").append(p.getString("name")).append(" | ").append(String.join("; ", marks))
          .append(" | ").append(Report.fmt(p.getValue("sent"))).append(" / ").append(Report.fmt(p.getValue("acked")))
          .append(" / ").append(Report.fmt(p.getValue("refused"))).append(refusals(p))
          .append(" / ").append(Report.fmt(p.getValue("unanswered")))
          .append(" | ").append(Report.fmt(p.getValue("owed"))).append(" / ").append(Report.fmt(p.getValue("delivered")))
          .append(" / ").append(Report.fmt(p.getValue("lost")))
          .append(" | ").append(Report.fmt(p.getValue("duplicated"))).append(" / ")
          .append(Report.fmt(p.getValue("reordered")))
          .append(" | ").append(Report.fmt(r.getValue("count"))).append(": ").append(Report.fmt(r.getValue("p50")))
          .append(" / ").append(Report.fmt(r.getValue("p99"))).append(" / ").append(Report.fmt(r.getValue("max")))
          .append(p.getLong("reconnectFailures", 0L) > 0 ? " (" + p.getLong("reconnectFailures") + " failed attempts)"
            : "")
          .append(" | ").append(Report.fmt(l.getValue("p50"))).append(" / ").append(Report.fmt(l.getValue("p99")))
          .append(" / ").append(Report.fmt(l.getValue("max"))).append(" |\n");
      }
      md.append('\n');
      for (Object o : phases) {
        JsonObject p = (JsonObject) o;
        md.append("- ").append(p.getString("name")).append(": ").append(historyLine(p.getJsonObject("history")))
          .append('\n');
        if (p.containsKey("presenceEvents")) {
          md.append("- ").append(p.getString("name")).append(": ")
            .append(Report.fmt(p.getValue("presenceEvents"))).append(" `chat.presence` events reached the members\n");
        }
        p.getJsonArray("notes", new JsonArray()).forEach(n -> md.append("- ").append(p.getString("name")).append(": ")
          .append(n).append('\n'));
        if (p.containsKey("eventFailure")) {
          md.append("- ").append(p.getString("name")).append(": the event failed: ").append(p.getString("eventFailure"))
            .append('\n');
        }
        if (p.getLong("lost", 0L) > 0) {
          JsonObject gap = p.getJsonObject("lostBeforeLeavingMs", new JsonObject());
          long leaving = gap.getLong("count", 0L);
          md.append("- ").append(p.getString("name")).append(String.format(": of the %,d owed deliveries lost, %,d went"
              + " to members that stayed registered to the end%s", p.getLong("lost"), p.getLong("lostWhileStaying"),
            leaving == 0 ? "" : String.format(", %,d to members whose socket went %s–%s ms after the message's reply"
              + " came back (p50 %s ms)", leaving, Report.fmt(gap.getValue("min")), Report.fmt(gap.getValue("max")),
              Report.fmt(gap.getValue("p50"))))).append('\n');
        }
        if (p.containsKey("lostSamples")) {
          md.append("- ").append(p.getString("name")).append(", lost deliveries for example: ")
            .append(String.join("; ", p.getJsonArray("lostSamples").stream().limit(3).map(String::valueOf).toList()))
            .append('\n');
        }
      }
      md.append('\n');
      for (Object o : phases) {
        perSecondTable(md, (JsonObject) o);
      }
    }
  }

  private static String refusals(JsonObject p) {
    JsonObject codes = p.getJsonObject("refusedByCode", new JsonObject());
    if (codes.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    codes.forEach(e -> parts.add(e.getValue() + " × " + e.getKey()));
    return " (" + String.join(", ", parts) + ")";
  }

  private static String historyLine(JsonObject h) {
    if (h == null) {
      return "history not read";
    }
    if (h.containsKey("failure")) {
      return "history could not be read back: " + h.getString("failure");
    }
    List<String> problems = new ArrayList<>();
    if (h.getLong("ackedNotStored") > 0) {
      problems.add(h.getLong("ackedNotStored") + " answered as stored but not in history");
    }
    if (h.getLong("storedTwice") > 0) {
      problems.add(h.getLong("storedTwice") + " stored twice");
    }
    if (h.getLong("refusedButStored") > 0) {
      problems.add(h.getLong("refusedButStored") + " refused yet stored");
    }
    if (h.getLong("deliveredNotStored") > 0) {
      problems.add(h.getLong("deliveredNotStored") + " delivered but not in history");
    }
    return String.format("history read back by %s on %s after the step (%d pages of chat.history, as a page catches"
        + " up): %,d of the step's messages there, %s; of the %,d sent without an answer %,d are stored, %,d not;"
        + " the reader%s missed %,d stored messages while away and history has %,d of them; of the %,d messages"
        + " with a lost delivery history has %,d",
      h.getString("reader"), h.getString("readerNode"), h.getInteger("pages"), h.getLong("stepMessagesInHistory"),
      problems.isEmpty() ? "every stored one once, none refused" : "**" + String.join(", ", problems) + "**",
      h.getLong("unansweredStored") + h.getLong("unansweredNotStored"), h.getLong("unansweredStored"),
      h.getLong("unansweredNotStored"), h.getBoolean("readerRejoined") ? " (reconnected during the step)" : "",
      h.getLong("readerMissed"), h.getLong("readerMissedInHistory"), h.getLong("lostMessages", 0L),
      h.getLong("lostMessagesInHistory", 0L));
  }

  private static void perSecondTable(StringBuilder md, JsonObject p) {
    JsonArray rows = p.getJsonArray("perSecond");
    if (rows == null || rows.isEmpty()) {
      return;
    }
    Map<Integer, List<String>> marksBySecond = new HashMap<>();
    for (Object m : p.getJsonArray("marks")) {
      JsonObject mark = (JsonObject) m;
      int second = (int) Math.floor(mark.getDouble("t")) - p.getInteger("eventAt");
      marksBySecond.computeIfAbsent(second, k -> new ArrayList<>()).add(mark.getString("what"));
    }
    List<String> procs = new ArrayList<>(rows.getJsonObject(0).getJsonObject("cores").fieldNames());
    md.append("Per second, ").append(p.getString("name")).append(" (t: seconds from the event; deliveries by the"
      + " second they arrived, lost ones by the second their message was stored; members registered at the"
      + " second's end; CPU cores of each process in that second, JIT compiler threads in brackets; the step sends"
      + " until +").append(p.getInteger("seconds") - p.getInteger("eventAt")).append(", then drains):\n\n");
    md.append("| t s | event | deliveries | p50 ms | p99 ms | max ms | sent / stored | registered | lost |");
    procs.forEach(name -> md.append(' ').append(name).append(" |"));
    md.append(" other |\n|---|---|---|---|---|---|---|---|---|");
    procs.forEach(name -> md.append("---|"));
    md.append("---|\n");
    for (Object o : rows) {
      JsonObject row = (JsonObject) o;
      JsonObject l = row.getJsonObject("latencyMs");
      Object p99 = l.getValue("p99");
      boolean over = p99 instanceof Number n && n.doubleValue() > P99_LIMIT_MS;
      int t = row.getInteger("t");
      md.append("| ").append(String.format("%+d", t))
        .append(" | ").append(String.join("; ", marksBySecond.getOrDefault(t, List.of())))
        .append(" | ").append(Report.fmt(l.getValue("count")))
        .append(" | ").append(Report.fmt(l.getValue("p50")))
        .append(" | ").append(over ? "**" + Report.fmt(p99) + "**" : Report.fmt(p99))
        .append(" | ").append(Report.fmt(l.getValue("max")))
        .append(" | ").append(row.getLong("sent")).append(" / ").append(row.getLong("stored"))
        .append(" | ").append(Report.fmt(row.getValue("registered")))
        .append(" | ").append(Report.fmt(row.getValue("lost")));
      JsonObject cores = row.getJsonObject("cores");
      JsonObject jit = row.getJsonObject("jitCores", new JsonObject());
      for (String name : procs) {
        Object compiling = jit.getValue(name);
        md.append(" | ").append(Report.fmt(cores.getValue(name)))
          .append(compiling instanceof Number n && n.doubleValue() >= 0.05 ? " (" + Report.fmt(compiling) + ")" : "");
      }
      md.append(" | ").append(Report.fmt(row.getValue("otherCores"))).append(" |\n");
    }
    md.append('\n');
  }
}
