package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * All simulated users of a run, spread over several {@link ClientVerticle}s (one event loop each) and over
 * several loopback source addresses, so that neither one event loop nor one address's ephemeral ports limit
 * the load. Driven from the bench's main thread.
 */
public final class Fleet implements AutoCloseable {

  private final Vertx vertx;
  private final List<ClientVerticle> loops = new ArrayList<>();
  private final List<String> localAddresses;

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

  private ClientVerticle owner(Conn conn) {
    return loops.get(conn.id % loops.size());
  }

  /**
   * Opens and registers all these sockets, at most maxInFlight connects at a time per event loop, printing
   * progress; fails when not all are registered by the deadline.
   */
  public Counters connect(List<Conn> conns, int maxInFlight, long timeoutSeconds, Consumer<Counters> progress)
    throws Exception {
    List<List<Conn>> shares = new ArrayList<>();
    loops.forEach(l -> shares.add(new ArrayList<>()));
    conns.forEach(c -> shares.get(c.id % loops.size()).add(c));
    List<Future<Void>> done = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      done.add(loops.get(i).connect(shares.get(i), maxInFlight));
    }
    Future<Void> all = Future.join(done).mapEmpty();
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

  public Counters snapshot() throws Exception {
    List<Future<Counters>> parts = new ArrayList<>();
    loops.forEach(l -> parts.add(l.snapshot()));
    Counters sum = new Counters();
    for (Future<Counters> part : parts) {
      part.await(30, TimeUnit.SECONDS).addTo(sum);
    }
    return sum;
  }

  /**
   * Runs one open-loop step: sending for the plan's duration, then waiting (at most drainSeconds) for every
   * delivery and reply still owed. Returns what the clients counted during the step.
   */
  public Counters runStep(StepPlan plan, long drainSeconds, Consumer<Counters> progress) throws Exception {
    List<Future<Void>> ready = new ArrayList<>();
    loops.forEach(l -> ready.add(l.startStep(plan)));
    Future.all(ready).await(30, TimeUnit.SECONDS);
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

  public void pause(List<Conn> slow) throws Exception {
    for (ClientVerticle loop : loops) {
      loop.pause(slow.stream().filter(c -> owner(c) == loop).toList()).await(30, TimeUnit.SECONDS);
    }
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
    List<Future<Void>> closed = new ArrayList<>();
    loops.forEach(l -> closed.add(l.closeAll()));
    Future.join(closed).await(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
