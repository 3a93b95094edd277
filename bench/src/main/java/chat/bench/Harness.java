package chat.bench;

import chat.bench.client.Accounts;
import chat.bench.client.Conn;
import chat.bench.client.Counters;
import chat.bench.client.Endpoint;
import chat.bench.client.Fleet;
import chat.bench.server.BaselineServer;
import chat.bench.server.ChatCluster;
import chat.bench.server.MachineLoad;
import chat.bench.server.NginxProxy;
import chat.bench.server.Proc;
import chat.bench.server.Target;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * What every workload needs: the servers it measures, logged-in users, sockets, and the measurements around
 * connecting (registration time, heap per connection). One per workload; closing it stops every process.
 */
final class Harness implements AutoCloseable {

  final Options options;
  final Path chatJar;
  final Path benchJar;
  final Proc self = Proc.self();
  final Fleet fleet;
  private final long deadline;
  private final List<Target> started = new ArrayList<>();
  private final Map<Target, List<Accounts.User>> users = new HashMap<>();

  Harness(Options options, String workload) throws Exception {
    this.options = options;
    this.chatJar = options.repo().resolve("target/chat.jar");
    this.benchJar = options.repo().resolve("bench/target/bench.jar");
    this.fleet = Fleet.start(options.clientLoops(), options.sourceAddresses());
    this.deadline = System.nanoTime() + options.maxMinutes() * 60_000_000_000L;
    System.out.printf("%s: %d client event loops (native transport %s), sources 127.0.0.2-%d, run dir %s%n", workload,
      options.clientLoops(), fleet.nativeTransport(), 1 + options.sourceAddresses(), options.runDir());
    MachineLoad before = MachineLoad.now(List.of(self));
    Thread.sleep(2000);
    double other = MachineLoad.now(List.of(self)).otherCoresSince(before);
    if (other > 0.2) {
      System.out.printf("  ! other processes are using %.2f of %d cores: expect noisy figures (each step reports its"
        + " 'other load')%n", other, Runtime.getRuntime().availableProcessors());
    }
  }

  boolean outOfTime() {
    return System.nanoTime() > deadline;
  }

  Target chat(int nodes, List<String> topics, List<String> jvmOptions) {
    return chat(nodes, topics, jvmOptions, false);
  }

  /**
   * Chat nodes with nginx (deploy/nginx/chat.conf, TLS) in front of them, for up to {@code sockets} client sockets
   * at a time; the clients log in and connect through nginx. Stopping the target stops nginx and the nodes.
   */
  Target chatViaNginx(int nodes, List<String> topics, List<String> jvmOptions, int sockets) {
    Target chat = chat(nodes, topics, jvmOptions, true);
    // each client socket takes two connections in an nginx worker (from the client, to a node), and one worker
    // may accept most of them; the logins' keep-alive connections and the upstream pool come on top
    int workerConnections = Math.max(4096, 2 * sockets + 1024);
    NginxProxy proxy = NginxProxy.start(options.runDir(), options.repo(), chat, workerConnections);
    started.remove(chat);
    started.add(proxy);
    return proxy;
  }

  private Target chat(int nodes, List<String> topics, List<String> jvmOptions, boolean behindProxy) {
    System.out.printf("  starting database server and %d chat node%s ...%n", nodes, nodes == 1 ? "" : "s");
    long t0 = System.nanoTime();
    // JVM options for the chat nodes from the environment, to see what a collector setting does
    String extra = System.getenv().getOrDefault("BENCH_NODE_JAVA_OPTIONS", "").strip();
    List<String> nodeOptions = new ArrayList<>(jvmOptions);
    if (!extra.isEmpty()) {
      nodeOptions.addAll(List.of(extra.split("\\s+")));
      System.out.println("  chat node JVM options from BENCH_NODE_JAVA_OPTIONS: " + nodeOptions);
    }
    Target chat = ChatCluster.start(options.runDir(), chatJar, nodes, topics, nodeOptions, behindProxy);
    started.add(chat);
    System.out.printf("  chat up in %.1f s: ports %s; %s%n", (System.nanoTime() - t0) / 1e9, chat.ports(), chat.version());
    return chat;
  }

  Target baseline() {
    Target baseline = BaselineServer.start(options.runDir(), benchJar);
    started.add(baseline);
    System.out.printf("  baseline broadcast server up: port %s%n", baseline.ports());
    return baseline;
  }

  void stop(Target target) {
    target.close();
    started.remove(target);
    users.remove(target);
  }

  /** The first {@code count} users, logged in on their nodes (user i on node i % nodes), or through the proxy. */
  List<Accounts.User> users(Target target, int count) throws Exception {
    List<Accounts.User> have = users.getOrDefault(target, List.of());
    if (have.size() >= count) {
      return have.subList(0, count);
    }
    List<Accounts.User> all;
    if (target.needsAccounts()) {
      long t0 = System.nanoTime();
      long[] last = {0};
      all = Accounts.logIn(fleet.vertx(), target.endpoints(), count, 32, done -> {
        if (System.nanoTime() - last[0] > 2_000_000_000L) {
          last[0] = System.nanoTime();
          System.out.printf("    accounts: %,d of %,d registered and logged in%n", done, count);
        }
      });
      System.out.printf("  %,d users registered and logged in over HTTP in %.1f s (bcrypt cost 4)%n", count,
        (System.nanoTime() - t0) / 1e9);
    } else {
      all = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        all.add(new Accounts.User(Accounts.name(i), null));
      }
    }
    users.put(target, all);
    return all;
  }

  /**
   * One socket per user 0..count-1: user i on node i % nodes (or all through the proxy, which spreads them), in
   * room room(i), registering registrations(i).
   */
  List<Conn> conns(Target target, int count, IntFunction<String> room, IntFunction<List<String>> registrations)
    throws Exception {
    List<Accounts.User> logged = users(target, count);
    List<Conn> conns = new ArrayList<>();
    List<Endpoint> endpoints = target.endpoints();
    for (int i = 0; i < count; i++) {
      Accounts.User user = logged.get(i);
      conns.add(new Conn(i, user.name(), user.cookie(), endpoints.get(i % endpoints.size()), fleet.sourceAddress(i),
        room.apply(i), registrations.apply(i)));
    }
    return conns;
  }

  /**
   * Opens and registers the sockets, and measures what that took: registration time per socket, time until all
   * are registered, CPU of each process meanwhile, and (when asked) heap after GC per connection on the nodes.
   */
  JsonObject connect(Target target, List<Conn> conns, int inFlightPerLoop, boolean heap) throws Exception {
    List<Proc> nodes = target.nodes();
    double[] heapBefore = heap ? heaps(nodes) : null;
    Map<Proc, Double> cpuBefore = Measure.cpu(processes(target));
    long t0 = System.nanoTime();
    long[] last = {0};
    Counters seen = fleet.connect(conns, inFlightPerLoop, 180, c -> {
      if (System.nanoTime() - last[0] > 1_000_000_000L) {
        last[0] = System.nanoTime();
        System.out.printf("    sockets: %,d connected, %,d registered of %,d%n", c.connected, c.registered, conns.size());
      }
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<Proc, Double> cpuAfter = Measure.cpu(processes(target));
    JsonObject result = new JsonObject()
      .put("connections", conns.size())
      .put("allRegisteredSeconds", Measure.round(seconds, 2))
      .put("registrationMs", Measure.percentiles(seen.registration))
      .put("connectMs", Measure.percentiles(seen.connectLatency));
    JsonObject cpu = new JsonObject();
    cpuAfter.forEach((p, s) -> cpu.put(p.name, Measure.round(s - cpuBefore.get(p), 2)));
    result.put("cpuSeconds", cpu);
    if (heap) {
      double[] heapAfter = heaps(nodes);
      double grown = 0;
      JsonObject perNode = new JsonObject();
      for (int i = 0; i < nodes.size(); i++) {
        grown += heapAfter[i] - heapBefore[i];
        perNode.put(nodes.get(i).name, new JsonArray().add(Math.round(heapBefore[i] / 1e6)).add(Math.round(heapAfter[i] / 1e6)));
      }
      result.put("heapMB", perNode).put("heapPerConnKB", Measure.round(grown / conns.size() / 1024, 1));
    }
    JsonObject reg = result.getJsonObject("registrationMs");
    JsonObject open = result.getJsonObject("connectMs");
    System.out.printf("  %,d sockets registered in %.1f s: connect p50 %s p99 %s ms, registration p50 %s p99 %s max %s ms%s%n",
      conns.size(), seconds, open.getValue("p50"), open.getValue("p99"),
      reg.getValue("p50"), reg.getValue("p99"), reg.getValue("max"),
      heap ? String.format(", heap after GC %.1f KB per connection", result.getDouble("heapPerConnKB")) : "");
    return result;
  }

  static double[] heaps(List<Proc> nodes) {
    double[] heaps = new double[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      heaps[i] = nodes.get(i).heapAfterGc();
    }
    return heaps;
  }

  /**
   * Waits until each server process uses less than 0.15 of a core for two seconds in a row (their JIT compilers
   * done with what the last phase made hot; an idle clustered node spends about 0.1 on Hazelcast's heartbeats),
   * at most a minute. Returns the seconds waited.
   */
  double awaitQuiet(Target target) throws InterruptedException {
    long start = System.nanoTime();
    int quietSeconds = 0;
    Map<Proc, Double> before = Measure.cpu(target.processes());
    while (quietSeconds < 2 && System.nanoTime() - start < 60_000_000_000L) {
      Thread.sleep(1000);
      Map<Proc, Double> now = Measure.cpu(target.processes());
      double busiest = Measure.busiestCores(before, now, 1);
      before.putAll(now);
      quietSeconds = busiest < 0.15 ? quietSeconds + 1 : 0;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  List<Proc> processes(Target target) {
    List<Proc> procs = new ArrayList<>(target.processes());
    procs.add(self);
    return procs;
  }

  JsonObject series(String id, Target target, String title) {
    JsonObject series = new JsonObject().put("id", id).put("target", target.kind()).put("title", title);
    if (!target.via().equals("direct")) {
      series.put("via", target.via());
    }
    return series
      .put("nodes", target.ports().size())
      .put("server", target.version())
      .put("date", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
      .put("command", options.command())
      .put("steps", new JsonArray()).put("notes", new JsonArray());
  }

  @Override
  public void close() throws Exception {
    try {
      fleet.closeAll();
    } catch (Exception e) {
      // stopping anyway
    }
    for (Target target : List.copyOf(started)) {
      target.close();
    }
    started.clear();
    fleet.close();
  }
}
