package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * All simulated users of a run, spread over several {@link ClientVerticle}s (one event loop each) and over
 * several loopback source addresses, so that neither one event loop nor one address's ephemeral ports limit
 * the load. Driven from the bench's main thread. Some of the users may be served by another process
 * ({@link #shareWith}); the async methods are what such a process runs for the bench ({@link ClientsOnly}).
 */
public final class Fleet implements AutoCloseable {

  private final Vertx vertx;
  private final List<ClientVerticle> loops = new ArrayList<>();
  private final List<String> localAddresses;
  /** Users another process serves for this one, or null. */
  private RemoteClients remote;

  private Fleet(Vertx vertx, List<String> localAddresses) {
    this.vertx = vertx;
    this.localAddresses = localAddresses;
  }

  public static Fleet start(int eventLoops, int sourceAddresses) throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < sourceAddresses; i++) {
      addresses.add("127.0.0." + (2 + i));
    }
    Fleet fleet = new Fleet(vertx, addresses);
    for (int i = 0; i < eventLoops; i++) {
      ClientVerticle loop = new ClientVerticle();
      vertx.deployVerticle(loop).await(30, TimeUnit.SECONDS);
      fleet.loops.add(loop);
    }
    return fleet;
  }

  public boolean nativeTransport() {
    return vertx.isNativeTransportEnabled();
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The loopback source address for the i-th user. */
  public String sourceAddress(int i) {
    return localAddresses.get(i % localAddresses.size());
  }

  /**
   * Lets another process serve the users it owns ({@link RemoteClients#owns}): from now on they are opened,
   * driven and counted there, and its counts are added to this fleet's. W9's 20,000 sockets do not fit in one
   * process's 20,000 open files.
   */
  public void shareWith(RemoteClients other) {
    this.remote = other;
  }

  /** Serves every user here again (the other process's sockets should be closed first). */
  public void stopSharing() {
    this.remote = null;
  }

  private List<ClientShare> shares() {
    List<ClientShare> all = new ArrayList<>(loops);
    if (remote != null) {
      all.add(remote);
    }
    return all;
  }

  private ClientShare owner(Conn conn) {
    return remote != null && remote.owns(conn) ? remote : loops.get(conn.id % loops.size());
  }

  /**
   * Opens and registers all these sockets, at most maxInFlight connects at a time per event loop, printing
   * progress; fails when not all are registered by the deadline.
   */
  public Counters connect(List<Conn> conns, int maxInFlight, long timeoutSeconds, Consumer<Counters> progress)
    throws Exception {
    Future<Void> all = connectAsync(conns, maxInFlight);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!all.isComplete() && System.nanoTime() < deadline) {
      Thread.sleep(250);
      progress.accept(snapshot());
    }
    Counters seen = snapshot();
    if (!all.isComplete() || seen.registered < conns.size()) {
      throw new IllegalStateException("only " + seen.registered + " of " + conns.size() + " sockets registered ("
        + seen.connected + " connected, " + seen.connectFailed + " failed, " + seen.denied + " refused)");
    }
    return seen;
  }

  /** Every share gets its users (maybe none, which resets its connect counts); completes when all are done. */
  Future<Void> connectAsync(List<Conn> conns, int maxInFlight) {
    Map<ClientShare, List<Conn>> byShare = new LinkedHashMap<>();
    shares().forEach(share -> byShare.put(share, new ArrayList<>()));
    conns.forEach(c -> byShare.get(owner(c)).add(c));
    List<Future<Void>> done = new ArrayList<>();
    byShare.forEach((share, mine) -> done.add(share.connect(mine, maxInFlight)));
    return Future.join(done).mapEmpty();
  }

  public Counters snapshot() throws Exception {
    List<ClientShare> shares = shares();
    List<Future<Counters>> parts = shares.stream().map(ClientShare::snapshot).toList();
    try {
      return sum(parts).await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // W9's baseline series failed here twice with a bare TimeoutException: say which share kept its counters
      List<String> silent = new ArrayList<>();
      for (int i = 0; i < shares.size(); i++) {
        if (!parts.get(i).isComplete()) {
          silent.add(shares.get(i) instanceof RemoteClients ? shares.get(i).toString() : "this JVM's client loop " + i);
        }
      }
      throw new IllegalStateException("no counters within 30 s from " + silent, e);
    }
  }

  Future<Counters> snapshotAsync() {
    return sum(shares().stream().map(ClientShare::snapshot).toList());
  }

  private static Future<Counters> sum(List<Future<Counters>> parts) {
    return Future.all(parts).map(all -> {
      Counters sum = new Counters();
      parts.forEach(part -> part.result().addTo(sum));
      return sum;
    });
  }

  /**
   * Runs one open-loop step: sending for the plan's duration, then waiting (at most drainSeconds) for every
   * delivery and reply still owed. Returns what the clients counted during the step.
   */
  public Counters runStep(StepPlan plan, long drainSeconds, Consumer<Counters> progress) throws Exception {
    startStepAsync(plan).await(30, TimeUnit.SECONDS);
    long drainDeadline = plan.endNanos() + TimeUnit.SECONDS.toNanos(drainSeconds);
    while (true) {
      Thread.sleep(250);
      Counters seen = snapshot();
      long now = System.nanoTime();
      // a tick may still send a message due just before the end: give it a moment before judging
      if (now >= plan.endNanos() + 100_000_000L && (seen.outstanding() == 0 || now >= drainDeadline)) {
        return seen;
      }
      progress.accept(seen);
    }
  }

  Future<Void> startStepAsync(StepPlan plan) {
    return Future.all(shares().stream().map(share -> share.startStep(plan)).toList()).mapEmpty();
  }

  public void pause(List<Conn> slow) throws Exception {
    pauseAsync(slow).await(30, TimeUnit.SECONDS);
  }

  Future<Void> pauseAsync(Collection<Conn> slow) {
    List<Future<Void>> paused = new ArrayList<>();
    for (ClientShare share : shares()) {
      paused.add(share.pause(slow.stream().filter(c -> owner(c) == share).toList()));
    }
    return Future.all(paused).mapEmpty();
  }

  /** These users close their sockets and open them again at once (see {@link ClientVerticle#drop}). */
  public void drop(List<Conn> which) throws Exception {
    List<Future<Void>> dropped = new ArrayList<>();
    for (ClientVerticle loop : loops) {
      dropped.add(loop.drop(which.stream().filter(c -> owner(c) == loop).toList()));
    }
    Future.all(dropped).await(30, TimeUnit.SECONDS);
  }

  /**
   * The ledger of a step run with one ({@link StepPlan#withLedger}), from every verticle's trails as they are now;
   * its by-second figures cover {@code seconds} seconds from the step's start.
   */
  public Ledger ledger(StepPlan plan, int seconds) throws Exception {
    List<Ledger.Trail> trails = new ArrayList<>();
    for (ClientVerticle loop : loops) {
      trails.addAll(loop.trails().await(30, TimeUnit.SECONDS));
    }
    return new Ledger(plan, trails, seconds);
  }

  public void closeAll() throws Exception {
    closeAllAsync().await(60, TimeUnit.SECONDS);
  }

  Future<Void> closeAllAsync() {
    return Future.join(shares().stream().map(ClientShare::closeAll).toList()).mapEmpty();
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
