package chat.http;

import chat.bus.Failure;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * New event-bus connections wait their turn while this event loop runs late (issue 18, W8). A node that has just
 * started (its JIT still compiling) and then takes a thousand reconnecting members at once made every member wait
 * on it: W8 saw p99 of 0.4 to 6.5 s in those seconds. Here, an event loop that ran late for its last tick lets the
 * waiting connections in a few per tick, oldest first, so the sockets it serves already keep their pace; on time,
 * it lets them all in. None waits longer than {@link #MAX_WAIT_MS} for lateness alone; only beyond
 * {@link #MAX_WAITING} waiting is one told to come back (503 with Retry-After), which the page's reconnect does.
 *
 * <p>In front of what starts a connection to the bridge: a SockJS client's {@code info} request, and a raw
 * WebSocket's upgrade (bots, and the bench). sockjs-client waits up to 8 s for {@code info}, and sizes its
 * WebSocket's timeout from that request's round trip (4 times it, twice), so a wait there does not make it give up;
 * the upgrade that follows is not held again, or a page let in on a timely loop could time out on a late one.
 * One per event loop (per {@link HttpVerticle}); used on that loop only.
 */
final class ConnectPacing implements Handler<RoutingContext> {

  static final long TICK_MS = 50;
  /** A tick this much later than due means the loop is behind on the work it has. */
  static final long LATE_MS = 25;
  /** Let in per tick while late: 100 a second per event loop. */
  static final int PER_LATE_TICK = 5;
  /** Let in per tick on time, of those that waited: a backlog goes in over a few ticks, not in one. */
  static final int PER_TICK = 50;
  static final long MAX_WAIT_MS = 3_000;
  static final int MAX_WAITING = 2_000;

  private record Waiting(Runnable admit, long since) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(ConnectPacing.class);

  private final LongSupplier clock;
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private long lastTick;
  private boolean late;
  /** Connections that waited since the queue was last empty (for the one log line per episode), and since when. */
  private int held;
  private long heldSince;

  ConnectPacing(LongSupplier nanoClock) {
    this.clock = nanoClock;
    this.lastTick = nanoClock.getAsLong();
  }

  /** Paced by the calling verticle's event loop (its timer stops with the verticle). */
  static ConnectPacing onThisLoop(Vertx vertx) {
    ConnectPacing pacing = new ConnectPacing(System::nanoTime);
    vertx.setPeriodic(TICK_MS, id -> pacing.tick());
    return pacing;
  }

  /**
   * A request that waits is paused meanwhile, as vertx-web's session handler does around its own wait: its end,
   * read in the meantime, would make the WebSocket upgrade that follows fail ("Request has already been read").
   */
  @Override
  public void handle(RoutingContext ctx) {
    if (!late && waiting.isEmpty()) {
      ctx.next();
      return;
    }
    HttpServerRequest request = ctx.request();
    if (!request.isEnded()) {
      request.pause();
    }
    boolean queued = offer(() -> {
      resume(request);
      if (!ctx.response().closed()) {
        ctx.next();
      }
    });
    if (!queued) {
      resume(request);
      ctx.response().putHeader("Retry-After", "1");
      Replies.error(ctx, Failure.UNAVAILABLE, "the server is busy, try again");
    }
  }

  private static void resume(HttpServerRequest request) {
    if (!request.isEnded()) {
      request.resume();
    }
  }

  /** Admits at once when nobody waits and the loop is on time; otherwise queues. False: too many wait already. */
  boolean offer(Runnable admit) {
    if (!late && waiting.isEmpty()) {
      admit.run();
      return true;
    }
    if (waiting.size() >= MAX_WAITING) {
      return false;
    }
    long now = clock.getAsLong();
    if (held++ == 0) {
      heldSince = now;
    }
    waiting.add(new Waiting(admit, now));
    return true;
  }

  /** Every {@link #TICK_MS}: how late this tick came says how many of the waiting go in now. */
  void tick() {
    long now = clock.getAsLong();
    late = TimeUnit.NANOSECONDS.toMillis(now - lastTick) - TICK_MS > LATE_MS;
    lastTick = now;
    int turns = late ? PER_LATE_TICK : PER_TICK;
    long waitedTooLong = now - TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
    while (!waiting.isEmpty() && (turns-- > 0 || waiting.peek().since() - waitedTooLong <= 0)) {
      waiting.poll().admit().run();
    }
    if (held > 0 && waiting.isEmpty()) {
      LOG.info("{} new connections waited their turn over {} ms while this event loop ran late", held,
        TimeUnit.NANOSECONDS.toMillis(now - heldSince));
      held = 0;
    }
  }

  int waiting() {
    return waiting.size();
  }
}
