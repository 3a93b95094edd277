package chat.bench;

import chat.bench.client.ClientsOnly;
import chat.bench.client.Conn;
import chat.bench.client.Counters;
import chat.bench.client.RemoteClients;
import chat.bench.client.RoomPlan;
import chat.bench.client.StepPlan;
import chat.bench.server.Proc;
import chat.bench.server.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * W9, scale on one machine (issue 18): 20,000 users, each with one socket, 10,000 on each of 2 chat nodes, in 200
 * configured topics of 100 members (W2's {@code h000…} topics, 200 of them); 1% of them, one per topic, send 1
 * message/s each (200 messages/s, 20,000 deliveries/s) for 60 s after the JIT warm-up. Reported besides the usual
 * step: the time the accounts took (not part of connecting), time to connect and register all sockets, heap after
 * GC and resident memory per socket, and how many files each process held open.
 *
 * <p>No process here may hold more than 20,000 open files (a hard limit this container cannot raise), and the
 * bench JVM needs some for its jars, event loops and pipes: the clients are two processes. This JVM serves users
 * 0–9,999 (topics h000–h099); bench.jar started again in clients-only mode ({@link ClientsOnly}) serves users
 * 10,000–19,999 (h100–h199), driven over HTTP on 127.0.0.1 and counted with this one's. The baseline is one process
 * too: it gets as many rooms of 100 as fit under its limit next to the files it holds idle, and the block says so.
 */
final class ScaleWorkload {

  static final int USERS = 20_000;
  static final int ROOM_SIZE = 100;
  /** Users from this id on are served by the clients-only process. */
  static final int SECOND_CLIENTS_FROM = USERS / 2;
  /**
   * Files the baseline is left beyond its idle ones and its sockets: jcmd's attach socket and its connection, and
   * room for what the JVM opens later (a class from the jar, a GC log roll). EMFILE in its accept loop would stall
   * the connects, so it keeps more than it should need.
   */
  static final int SPARE_FILES = 50;
  static final long OPEN_FILES_EVERY_NANOS = 10_000_000_000L;

  private ScaleWorkload() {
  }

  static JsonArray w9(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    SecondClients clients = SecondClients.start(h);
    try {
      for (String kind : List.of("chat", "baseline")) {
        if (!h.options.measures(kind, true)) {
          continue;
        }
        Target t = kind.equals("chat") ? h.chat(2, topics(), List.of()) : h.baseline();
        series.add(series(h, t, clients.proc));
        h.stop(t);
        if (h.outOfTime()) {
          break;
        }
      }
    } finally {
      clients.stop(h);
    }
    return series;
  }

  /** The default four and h000..h199: W2's 100 {@code h} topics and 100 more of the same kind. */
  static List<String> topics() {
    List<String> topics = new ArrayList<>(Workloads.DEFAULT_TOPICS);
    for (int r = 0; r < USERS / ROOM_SIZE; r++) {
      topics.add(String.format("h%03d", r));
    }
    return topics;
  }

  private static JsonObject series(Harness h, Target t, Proc clients) throws Exception {
    boolean chat = t.kind().equals("chat");
    JsonObject scale = new JsonObject();
    int users = chat ? USERS : baselineSockets(t, scale);
    int rooms = users / ROOM_SIZE;
    String shape = String.format("%,d sockets, %d %s × %d members, 1 sender per %s at 1 msg/s", users, rooms,
      chat ? "topics" : "rooms", ROOM_SIZE, chat ? "topic" : "room");
    String title = chat ? "chat, 2 nodes, " + shape : "baseline, " + shape;
    System.out.printf("%n[w9] %s%n", title);
    JsonObject s = h.series("w9-" + t.kind(), t, title).put("members", users).put("scale", scale);
    JsonArray notes = s.getJsonArray("notes");
    if (chat) {
      long t0 = System.nanoTime();
      h.users(t, users);
      scale.put("accountsSeconds", Measure.round((System.nanoTime() - t0) / 1e9, 1));
    } else {
      notes.add(String.format("%,d sockets, not %,d: the baseline is one process, which held %d files before any"
          + " socket opened, and may hold %,d; %d rooms of %d fit with %d files to spare", users, USERS,
        scale.getLong("idleFiles"), scale.getLong("filesLimit"), rooms, ROOM_SIZE, SPARE_FILES));
    }
    IntFunction<String> room = i -> String.format("topic.h%03d", i / ROOM_SIZE);
    List<Conn> conns = h.conns(t, users, room, i -> List.of("chat.room." + room.apply(i)));
    scale.put("socketsPerServer", socketsPerServer(t, conns))
      .put("socketsPerClientProcess", new JsonObject().put(h.self.name, Math.min(users, SECOND_CLIENTS_FROM))
        .put(clients.name, Math.max(0, users - SECOND_CLIENTS_FROM)));

    // resident memory after a full GC on both sides: the connect's own heap figure ends with one
    Harness.heaps(t.nodes());
    Map<Proc, Double> rssBefore = resident(t.nodes());
    double clientsCpu = clients.cpuSeconds();
    JsonObject connect = h.connect(t, conns, 200, true);
    connect.getJsonObject("cpuSeconds").put(clients.name, Measure.round(clients.cpuSeconds() - clientsCpu, 2));
    s.put("connect", connect);
    scale.put("residentMB", residentGrowth(t, conns, rssBefore, scale));

    List<Proc> procs = new ArrayList<>(h.processes(t));
    procs.add(clients);
    OpenFiles files = new OpenFiles(procs);
    files.sample();
    List<RoomPlan> plans = Workloads.roomPlans(conns, 1.0, 1, List.of());
    Workloads.warmUp(h, t, plans);
    files.sample();
    StepPlan plan = new StepPlan(Workloads.nextStepId(), System.nanoTime() + 300_000_000L,
      h.options.stepSecondsOr(60) * 1_000_000_000L, plans);
    long[] nextSample = {System.nanoTime() + OPEN_FILES_EVERY_NANOS};
    Consumer<Counters> sampler = c -> {
      if (System.nanoTime() >= nextSample[0]) {
        nextSample[0] += OPEN_FILES_EVERY_NANOS;
        files.sample();
      }
    };
    JsonObject step = Measure.step(h.fleet, procs, plan, Workloads.DRAIN_SECONDS, "w9 " + t.kind(), sampler);
    files.sample();
    s.getJsonArray("steps").add(step);
    scale.put("openFiles", files.most()).put("openFilesLimit", files.limits());
    System.out.println("  open files at most: " + files.most().encode() + ", limits " + files.limits().encode());

    notes.add(String.format("the clients are two processes (no process here may hold more than %,d files): this bench"
        + " JVM (`%s`) serves users 0–%,d, bench.jar started again in clients-only mode (`%s`) users %,d–%,d, driven"
        + " over HTTP on 127.0.0.1; each room's members are all in one of them", files.limits().getLong(h.self.name),
      h.self.name, Math.min(users, SECOND_CLIENTS_FROM) - 1, clients.name, SECOND_CLIENTS_FROM, users - 1));
    nearLimit(files).forEach(notes::add);
    h.fleet.closeAll();
    return s;
  }

  /**
   * The baseline's share of the limit: as many rooms of 100 as fit next to the files it holds idle and a few to
   * spare. Records both in {@code scale}.
   */
  private static int baselineSockets(Target t, JsonObject scale) {
    Proc server = t.nodes().get(0);
    long idle = server.openFiles();
    long limit = server.openFilesLimit();
    if (idle < 0 || limit < 0) {
      throw new IllegalStateException("cannot read the baseline's open files from /proc/" + server.pid);
    }
    long fit = Math.min(USERS, (limit - idle - SPARE_FILES) / ROOM_SIZE * ROOM_SIZE);
    scale.put("idleFiles", idle).put("filesLimit", limit);
    System.out.printf("  baseline holds %d files idle of its %,d: %,d sockets fit (%d to spare)%n", idle, limit, fit,
      SPARE_FILES);
    return (int) fit;
  }

  private static JsonObject socketsPerServer(Target t, List<Conn> conns) {
    JsonObject perNode = new JsonObject();
    for (int i = 0; i < t.nodes().size(); i++) {
      int port = t.ports().get(i);
      perNode.put(shown(t.nodes().get(i)), conns.stream().filter(c -> c.endpoint.port() == port).count());
    }
    return perNode;
  }

  /** A process as the tables name it: the baseline's name carries its port, which says nothing there. */
  private static String shown(Proc p) {
    return p.name.startsWith("baseline") ? "baseline" : p.name;
  }

  private static Map<Proc, Double> resident(List<Proc> nodes) {
    Map<Proc, Double> rss = new LinkedHashMap<>();
    nodes.forEach(p -> rss.put(p, p.residentBytes()));
    return rss;
  }

  /** Each server process's resident memory before and after (MB), and its growth per socket it holds (KB). */
  private static JsonObject residentGrowth(Target t, List<Conn> conns, Map<Proc, Double> before, JsonObject scale) {
    Map<Proc, Double> after = resident(t.nodes());
    JsonObject mb = new JsonObject();
    JsonObject perSocket = new JsonObject();
    JsonObject sockets = scale.getJsonObject("socketsPerServer");
    after.forEach((p, bytes) -> {
      mb.put(shown(p), new JsonArray().add(Math.round(before.get(p) / 1e6)).add(Math.round(bytes / 1e6)));
      long held = sockets.getLong(shown(p), 0L);
      perSocket.put(shown(p), held == 0 ? null : Measure.round((bytes - before.get(p)) / held / 1024, 1));
    });
    scale.put("residentPerSocketKB", perSocket);
    System.out.println("  resident memory after GC (MB, before and after the sockets): " + mb.encode()
      + ", per socket (KB): " + perSocket.encode());
    return mb;
  }

  /** Every process that came within a tenth of its limit on open files. */
  private static List<String> nearLimit(OpenFiles files) {
    List<String> near = new ArrayList<>();
    JsonObject most = files.most();
    for (String name : most.fieldNames()) {
      long held = most.getLong(name);
      long limit = files.limits().getLong(name);
      if (held > limit * 0.9) {
        near.add(String.format("%s held up to %,d open files, %,d under its limit of %,d", name, held, limit - held,
          limit));
      }
    }
    return near;
  }

  /** The most files each process held open at the samples taken (listing /proc/&lt;pid&gt;/fd). */
  private static final class OpenFiles {
    private final List<Proc> procs;
    private final JsonObject most = new JsonObject();
    private final JsonObject limits = new JsonObject();

    OpenFiles(List<Proc> procs) {
      this.procs = procs;
      procs.forEach(p -> limits.put(shown(p), p.openFilesLimit()));
    }

    void sample() {
      for (Proc p : procs) {
        most.put(shown(p), Math.max(most.getLong(shown(p), 0L), p.openFiles()));
      }
    }

    JsonObject most() {
      return most;
    }

    JsonObject limits() {
      return limits;
    }
  }

  /** The clients-only process and the fleet's handle on it. */
  private record SecondClients(Proc proc, RemoteClients remote) {

    static SecondClients start(Harness h) throws Exception {
      Path portFile = h.options.runDir().resolve("clients2.port");
      Proc proc = Proc.start(h.options.runDir(), "clients2", List.of("-cp", h.benchJar.toString(),
        ClientsOnly.class.getName(), portFile.toString(), String.valueOf(h.options.clientLoops())));
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!Files.exists(portFile)) {
        if (!proc.alive() || System.nanoTime() > deadline) {
          proc.stop();
          throw new IllegalStateException("the clients-only process did not start; its log ends:\n" + proc.logTail(20));
        }
        Thread.sleep(100);
      }
      int port = Integer.parseInt(Files.readString(portFile).trim());
      RemoteClients remote = RemoteClients.at(h.fleet.vertx(), port, id -> id >= SECOND_CLIENTS_FROM);
      h.fleet.shareWith(remote);
      System.out.printf("  clients-only process (%s, pid %d) up on 127.0.0.1:%d: it serves users %,d and up%n",
        proc.name, proc.pid, port, SECOND_CLIENTS_FROM);
      return new SecondClients(proc, remote);
    }

    /** Its sockets closed, then the process; what its clients reported as problems is printed. */
    void stop(Harness h) {
      long t0 = System.nanoTime();
      try {
        h.fleet.closeAll();
      } catch (Exception e) {
        System.out.printf("  ! closing the clients' sockets: %s after %.1f s%n", e, (System.nanoTime() - t0) / 1e9);
      }
      h.fleet.stopSharing();
      remote.close();
      proc.stop();
      String problems = proc.logTail(200).lines().filter(l -> l.startsWith("  ! "))
        .reduce("", (a, b) -> a + "\n" + b);
      if (!problems.isEmpty()) {
        System.out.println("  the clients-only process reported:" + problems);
      }
    }
  }

  // ------------------------------------------------------------------ report

  /**
   * W9's own table: what the sockets took of each process (memory, open files against the limit) and what the
   * database did. Nothing for series without these figures.
   */
  static void table(StringBuilder md, JsonObject series) {
    StringBuilder rows = new StringBuilder();
    for (String id : series.fieldNames()) {
      JsonObject s = series.getJsonObject(id);
      JsonObject scale = s.getJsonObject("scale");
      if (scale == null) {
        continue;
      }
      JsonObject connect = s.getJsonObject("connect", new JsonObject());
      JsonArray steps = s.getJsonArray("steps");
      JsonObject step = steps.isEmpty() ? new JsonObject() : steps.getJsonObject(steps.size() - 1);
      rows.append("| ").append(s.getString("title"))
        .append(" | ").append(counts(scale.getJsonObject("socketsPerServer")))
        .append(" | ").append(counts(scale.getJsonObject("socketsPerClientProcess")))
        .append(" | ").append(scale.containsKey("accountsSeconds")
          ? String.format("%,d in %s s", s.getInteger("members"), Report.fmt(scale.getValue("accountsSeconds")))
          : "none (no accounts)")
        .append(" | ").append(Report.fmt(connect.getValue("allRegisteredSeconds"))).append(" s")
        .append(" | ").append(connect.getValue("heapPerConnKB") == null ? "–"
          : Report.fmt(connect.getValue("heapPerConnKB")) + " KB")
        .append(" | ").append(kilobytes(scale.getJsonObject("residentPerSocketKB", new JsonObject())))
        .append(" | ").append(counts(scale.getJsonObject("openFiles", new JsonObject())))
        .append(" of ").append(limits(scale.getJsonObject("openFilesLimit", new JsonObject())))
        .append(" | ").append(stored(s, step)).append(" |\n");
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("What the sockets take (heap after GC and resident memory after GC, grown from before the sockets"
        + " opened, per socket; open files at most, sampled after connecting, during the step every 10 s and after"
        + " it, against each process's limit; messages stored by the database per second of the step):\n\n")
      .append("| series | sockets per server process | sockets per client process | accounts registered and logged"
        + " in | all sockets registered in | heap after GC per socket | resident memory per socket | open files at"
        + " most | stored msg/s, database CPU per stored message |\n|---|---|---|---|---|---|---|---|---|\n")
      .append(rows).append('\n');
  }

  private static String counts(JsonObject perProcess) {
    List<String> parts = new ArrayList<>();
    perProcess.forEach(e -> parts.add(e.getKey() + " " + Report.fmt(e.getValue())));
    return parts.isEmpty() ? "–" : String.join(", ", parts);
  }

  private static String kilobytes(JsonObject perProcess) {
    List<String> parts = new ArrayList<>();
    perProcess.forEach(e -> parts.add(e.getKey() + " " + Report.fmt(e.getValue()) + " KB"));
    return parts.isEmpty() ? "–" : String.join(", ", parts);
  }

  /** "20,000 each", or each process's own limit when they differ. */
  private static String limits(JsonObject perProcess) {
    List<Object> distinct = perProcess.stream().map(Map.Entry::getValue).distinct().toList();
    return distinct.size() == 1 ? Report.fmt(distinct.get(0)) + " each" : counts(perProcess);
  }

  /** Accepted messages per second of the step and the database server's CPU per one (chat only). */
  private static String stored(JsonObject s, JsonObject step) {
    JsonObject cpu = step.getJsonObject("cpuSeconds", new JsonObject());
    long acked = step.getLong("acked", 0L);
    if (!s.getString("target").equals("chat") || acked == 0 || cpu.getValue("db") == null) {
      return "–";
    }
    return String.format("%s, %.2f ms", Report.fmt(Math.round(acked / step.getDouble("seconds"))),
      cpu.getDouble("db") * 1000 / acked);
  }
}
