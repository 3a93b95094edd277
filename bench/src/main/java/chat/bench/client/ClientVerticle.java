package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * A share of the simulated users on one event loop: opens their sockets, registers their rooms, sends on the
 * step's fixed schedule (open loop: a late timer makes the latency worse, it never delays the schedule), and
 * checks every delivery's sequence number. Several instances run side by side, since all the work of one
 * verticle lands on one event loop.
 */
public final class ClientVerticle extends VerticleBase implements ClientShare {

  private static final long PING_EVERY_MS = 1000;
  private static final int PING_GROUPS = 4;
  private static final int MAX_REPORTED_ERRORS = 5;
  private static final String PRESENCE = "chat.presence";
  /** Ledger steps: seconds after the step's end that deliveries are still kept per second (the drain, and some). */
  private static final int LATE_SECONDS = 31;
  /** Ledger steps: a lost socket is not tried again once the step has been over this long. */
  private static final long REJOIN_GIVE_UP_NANOS = 60_000_000_000L;
  /** The page's reconnect backoff (webroot/js/bus.js): 1 s, doubling, at most 5 s, each ±25%. */
  private static final long REJOIN_MIN_DELAY_MS = 1000;
  private static final long REJOIN_MAX_DELAY_MS = 5000;

  /** One client per source address, receive buffer size and endpoint kind (plain, or TLS with its trust), made on first use. */
  private final Map<String, WebSocketClient> clients = new HashMap<>();
  private final List<Conn> conns = new ArrayList<>();
  private final long[] stamp = new long[4];
  private final Set<Long> missing = new HashSet<>();
  private final PriorityQueue<Sender> schedule = new PriorityQueue<>((a, b) -> Long.compare(a.due, b.due));
  private Counters counters = new Counters();
  private int step = -1;
  private long stepStart;
  private long stepEnd;
  private boolean ledger;
  private long tick;
  private int reportedErrors;
  private ConnectJob job;

  /** A sending user's place in the step's schedule. */
  private static final class Sender {
    final Conn conn;
    final long interval;
    long due;
    int seq;

    Sender(Conn conn, long due, long interval) {
      this.conn = conn;
      this.due = due;
      this.interval = interval;
    }
  }

  /** Connections being opened and registered, at most maxInFlight at a time. */
  private final class ConnectJob {
    final Deque<Conn> waiting;
    final int maxInFlight;
    final Promise<Void> done = Promise.promise();
    int inFlight;
    int remaining;

    ConnectJob(Collection<Conn> conns, int maxInFlight) {
      this.waiting = new ArrayDeque<>(conns);
      this.maxInFlight = maxInFlight;
      this.remaining = conns.size();
    }

    void launch() {
      while (inFlight < maxInFlight && !waiting.isEmpty()) {
        inFlight++;
        open(waiting.poll());
      }
      if (remaining == 0) {
        done.tryComplete();
      }
    }

    void finished() {
      inFlight--;
      remaining--;
      launch();
    }
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(PING_EVERY_MS, id -> ping());
    vertx.setPeriodic(1, id -> sendDue());
    return Future.succeededFuture();
  }

  private WebSocketClient client(Conn conn) {
    String key = conn.localAddress + (conn.smallReceiveBuffer ? " small" : "")
      + (conn.endpoint.tls() ? " tls " + conn.endpoint.trustedCert() : "");
    return clients.computeIfAbsent(key, k -> vertx.createWebSocketClient(clientOptions(conn)));
  }

  private static WebSocketClientOptions clientOptions(Conn conn) {
    WebSocketClientOptions options = new WebSocketClientOptions()
      // Vert.x 5 queues every connect past 50 per endpoint, silently: lift the cap
      .setMaxConnections(1_000_000)
      .setLocalAddress(conn.localAddress)
      .setConnectTimeout(60_000)
      .setMaxFrameSize(1 << 20)
      .setMaxMessageSize(1 << 22);
    if (conn.smallReceiveBuffer) {
      options.setReceiveBufferSize(4096);
    }
    if (conn.endpoint.tls()) {
      options.setSsl(true).setTrustOptions(conn.endpoint.trust()).setVerifyHost(true);
    }
    return options;
  }

  // ------------------------------------------------------------------ orchestration (called from any thread)

  /** Opens and registers these users' sockets; completes when each is registered or has failed. */
  public Future<Void> connect(List<Conn> mine, int maxInFlight) {
    return onLoop(() -> {
      conns.addAll(mine);
      counters = new Counters();
      job = new ConnectJob(mine, maxInFlight);
      job.launch();
      return job.done.future();
    });
  }

  public Future<Void> startStep(StepPlan plan) {
    return onLoop(() -> {
      Set<Conn> own = new HashSet<>(conns);
      missing.clear();
      schedule.clear();
      step = plan.step();
      stepStart = plan.startNanos();
      stepEnd = plan.endNanos();
      ledger = plan.ledger();
      conns.forEach(c -> c.trail = null);
      Counters fresh = new Counters();
      fresh.connected = counters.connected;
      fresh.connectFailed = counters.connectFailed;
      fresh.registered = counters.registered;
      fresh.registration.add(counters.registration);
      fresh.connectLatency.add(counters.connectLatency);
      if (ledger) {
        fresh.latencyBySecond = new Histogram[(int) (plan.durationNanos() / 1_000_000_000L)
          + LATE_SECONDS];
      }
      counters = fresh;
      int roomIndex = 0;
      for (RoomPlan room : plan.rooms()) {
        roomIndex++;
        int senders = room.senders().size();
        for (Conn member : room.members()) {
          if (own.contains(member)) {
            member.nextSeq = new int[senders];
            member.senderIndex = -1;
            if (ledger) {
              member.trail = new Ledger.Trail(member.id, senders, member.open ? member.registeredSince : 0);
            }
          }
        }
        if (room.msgsPerSecond() <= 0 || senders == 0) {
          continue;
        }
        double secondsPerMessage = 1.0 / room.msgsPerSecond();
        // rooms start at evenly spread phases (golden-ratio sequence) so that a thousand 1 msg/s rooms do not
        // send in the same few milliseconds: the offered load is smooth, not a burst once a second
        double phase = ((roomIndex * 0.6180339887498949) % 1.0) * secondsPerMessage;
        long interval = Math.round(senders * secondsPerMessage * 1e9);
        for (int j = 0; j < senders; j++) {
          Conn sender = room.senders().get(j);
          if (own.contains(sender)) {
            sender.senderIndex = j;
            sender.readers = room.readers();
            sender.roomJson = room.room();
            sender.padding = room.padding() == 0 ? "" : " " + "x".repeat(room.padding());
            long first = plan.startNanos() + Math.round((phase + j * secondsPerMessage) * 1e9);
            schedule.add(new Sender(sender, first, interval));
          }
        }
      }
      return Future.succeededFuture();
    });
  }

  public Future<Counters> snapshot() {
    // the latencies per second only once the step's sending is over: the progress snapshots before need none
    return onLoop(() -> Future.succeededFuture(counters.copy(System.nanoTime() >= stepEnd)));
  }

  /** Ledger steps: a copy of each of these users' trails. */
  Future<List<Ledger.Trail>> trails() {
    return onLoop(() -> Future.succeededFuture(conns.stream().filter(c -> c.trail != null).map(c -> c.trail.copy())
      .toList()));
  }

  /**
   * These users close their sockets and open them again at once, registering as before (a ledger step's burst of
   * reconnects): each is away from now until it is registered again.
   */
  public Future<Void> drop(Collection<Conn> which) {
    return onLoop(() -> {
      long now = System.nanoTime();
      for (Conn conn : which) {
        if (conn.ws != null && conn.open && conns.contains(conn)) {
          conn.dropped = true;
          conn.lostNanos = now;
          away(conn, now);
          conn.ws.close();
        }
      }
      return Future.succeededFuture();
    });
  }

  /** These users stop reading (their sockets are paused, so the server's writes back up). */
  public Future<Void> pause(Collection<Conn> slow) {
    return onLoop(() -> {
      for (Conn conn : slow) {
        if (conn.ws != null && conns.contains(conn)) {
          conn.paused = true;
          conn.ws.pause();
        }
      }
      return Future.succeededFuture();
    });
  }

  public Future<Void> closeAll() {
    return onLoop(() -> {
      schedule.clear();
      List<Future<Void>> closed = new ArrayList<>();
      for (Conn conn : conns) {
        conn.closing = true;
        if (conn.ws != null && conn.open) {
          closed.add(conn.ws.close().recover(err -> Future.succeededFuture()));
        }
      }
      conns.clear();
      return Future.join(closed).<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> task) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        task.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  // ------------------------------------------------------------------ sockets

  private void open(Conn conn) {
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(conn.endpoint.port()).setURI("/eventbus/websocket");
    if (conn.cookie != null) {
      options.addHeader("Cookie", conn.cookie);
    }
    long started = System.nanoTime();
    client(conn).connect(options).onComplete(result -> {
      if (result.failed()) {
        if (conn.rejoining) {
          rejoinFailed(conn);
          return;
        }
        counters.connectFailed++;
        report("connect failed for " + conn.user + ": " + result.cause());
        job.finished();
        return;
      }
      WebSocket ws = result.result();
      if (conn.closing) {
        ws.close();
        return;
      }
      conn.ws = ws;
      conn.open = true;
      conn.rejoinAttempts = 0;
      if (!conn.rejoining) {
        counters.connected++;
        counters.connectLatency.recordValue(Math.max(0, (System.nanoTime() - started) / 1000));
      }
      ws.handler(data -> onFrame(conn, data));
      // a socket let go of (dropped, then replaced) has no say any more
      ws.closeHandler(v -> {
        if (conn.ws == ws) {
          onClosed(conn);
        }
      });
      ws.exceptionHandler(err -> { });
      conn.registeredPending = conn.registrations.size();
      conn.registerSentNanos = System.nanoTime();
      if (conn.registeredPending == 0) {
        if (conn.rejoining) {
          registered(conn, System.nanoTime());
        } else {
          job.finished();
        }
        return;
      }
      for (String address : conn.registrations) {
        conn.ws.writeTextMessage("{\"type\":\"register\",\"address\":\"" + address + "\"}");
      }
    });
  }

  private void onClosed(Conn conn) {
    boolean wasRegistering = conn.registeredPending > 0;
    long now = System.nanoTime();
    conn.open = false;
    conn.registeredPending = 0;
    away(conn, now);
    if (conn.closing) {
      return;
    }
    if (conn.dropped) {
      conn.dropped = false;
      conn.rejoining = true;
      open(conn);
      return;
    }
    if (conn.rejoining) {
      rejoinFailed(conn);
      return;
    }
    if (conn.paused) {
      counters.slowClosed++;
    } else {
      counters.closedByServer++;
      report("server closed the socket of " + conn.user);
    }
    if (wasRegistering) {
      job.finished();
    } else if (ledger && !conn.paused) {
      // as the page does: open it again after a pause, and again until it is back
      conn.rejoining = true;
      conn.lostNanos = now;
      rejoinLater(conn);
    }
  }

  private void away(Conn conn, long now) {
    conn.registeredSince = 0;
    if (conn.trail != null) {
      conn.trail.away(now);
    }
  }

  /** All of the socket's registrations are confirmed: the first connect's job, or a rejoin, is done. */
  private void registered(Conn conn, long now) {
    conn.registeredSince = now;
    if (conn.trail != null) {
      conn.trail.present(now);
    }
    if (!conn.rejoining) {
      counters.registered++;
      counters.registration.recordValue(Math.max(0, (now - conn.registerSentNanos) / 1000));
      job.finished();
      return;
    }
    conn.rejoining = false;
    if (conn.trail != null) {
      conn.trail.rejoined(conn.lostNanos, now);
    }
    conn.lostNanos = 0;
  }

  private void rejoinFailed(Conn conn) {
    if (conn.trail != null) {
      conn.trail.rejoinFailures++;
    }
    rejoinLater(conn);
  }

  /** The page's backoff (bus.js): 1 s after the socket went, then 2 s, 4 s, and every 5 s, each ±25%. */
  private void rejoinLater(Conn conn) {
    if (conn.closing || System.nanoTime() > stepEnd + REJOIN_GIVE_UP_NANOS) {
      conn.rejoining = false;
      return;
    }
    long base = Math.min(REJOIN_MAX_DELAY_MS, REJOIN_MIN_DELAY_MS << Math.min(conn.rejoinAttempts, 3));
    long delay = Math.min(REJOIN_MAX_DELAY_MS, Math.round(base * (0.75 + ThreadLocalRandom.current().nextDouble() / 2)));
    conn.rejoinAttempts++;
    vertx.setTimer(delay, id -> {
      if (!conn.closing && !conn.open) {
        open(conn);
      }
    });
  }

  private void ping() {
    long group = tick++ % PING_GROUPS;
    for (Conn conn : conns) {
      if (conn.open && conn.id % PING_GROUPS == group) {
        conn.ws.writeTextMessage("{\"type\":\"ping\"}");
      }
    }
  }

  private void sendDue() {
    long now = System.nanoTime();
    Sender next;
    while ((next = schedule.peek()) != null && next.due <= now) {
      schedule.poll();
      // a ledger step's sender whose socket is away skips its turns and sends again once it is back
      if (next.due < stepEnd && (next.conn.open || ledger)) {
        if (next.conn.open) {
          send(next.conn, next.seq, next.due);
          next.seq++;
        }
        next.due += next.interval;
        schedule.add(next);
      }
    }
  }

  private void send(Conn conn, int seq, long scheduled) {
    counters.sent++;
    if (conn.trail != null) {
      conn.trail.sent(seq, System.nanoTime());
    }
    counters.expected += conn.readers;
    StringBuilder frame = new StringBuilder(200)
      .append("{\"type\":\"send\",\"address\":\"chat.send\",\"body\":{\"room\":\"").append(conn.roomJson)
      .append("\",\"text\":\"p=").append(step).append(" s=").append(conn.senderIndex).append(" q=").append(seq)
      .append(" t=").append(scheduled).append(conn.padding)
      .append("\",\"cid\":\"c").append(conn.id).append('-').append(step).append('-').append(seq)
      .append("\"},\"replyAddress\":\"");
    replyAddress(frame, conn.id, step, seq);
    conn.ws.writeTextMessage(frame.append("\"}").toString());
  }

  /** A UUID-shaped reply address (36 characters, as the JS client makes them), unique per message. */
  private static void replyAddress(StringBuilder out, int conn, int step, int seq) {
    hex(out, conn, 8).append('-');
    hex(out, step & 0xffff, 4).append("-4000-8000-");
    hex(out, seq, 12);
  }

  private static StringBuilder hex(StringBuilder out, long value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      out.append(Character.forDigit((int) (value >>> shift) & 0xf, 16));
    }
    return out;
  }

  // ------------------------------------------------------------------ receiving

  private void onFrame(Conn conn, Buffer data) {
    long now = System.nanoTime();
    byte[] frame = data.getBytes();
    switch (Frames.kind(frame)) {
      case DELIVERY -> delivered(conn, frame, now);
      case REPLY -> {
        if (Frames.stamp(frame, stamp) && stamp[0] == step) {
          counters.acked++;
          counters.ackLatency.recordValue(Math.max(0, (now - stamp[3]) / 1000));
          if (conn.trail != null) {
            conn.trail.stored((int) stamp[2], now);
          }
        } else if (PRESENCE.equals(Frames.address(frame))) {
          counters.presence++;
        }
      }
      case ERROR -> {
        String address = Frames.address(frame);
        if (address != null && address.length() == 36) {
          counters.sendErrors++;
          counters.expected -= conn.readers;
          // the reply address says which message: ...-<step, 4 hex>-4000-8000-<seq, 12 hex>
          if (conn.trail != null && Integer.parseInt(address.substring(9, 13), 16) == (step & 0xffff)) {
            conn.trail.refused((int) Long.parseLong(address.substring(24), 16), Frames.failureCode(frame));
          }
        } else {
          counters.denied++;
          if (conn.registeredPending > 0) {
            conn.registeredPending = 0;
            if (conn.rejoining) {
              // refused to register again: let this socket go and try another, as the page would after a reload
              conn.dropped = false;
              conn.ws.close();
            } else {
              job.finished();
            }
          }
        }
        report("error frame for " + conn.user + ": " + data);
      }
      case REGISTERED -> {
        if (conn.registeredPending > 0 && --conn.registeredPending == 0) {
          registered(conn, now);
        }
      }
      default -> {
      }
    }
  }

  private void delivered(Conn conn, byte[] frame, long now) {
    if (!Frames.stamp(frame, stamp)) {
      counters.unknownFrames++;
      return;
    }
    if (stamp[0] != step) {
      counters.late++;
      return;
    }
    if (conn.paused) {
      return;
    }
    int sender = (int) stamp[1];
    int seq = (int) stamp[2];
    int[] next = conn.nextSeq;
    if (next == null || sender < 0 || sender >= next.length) {
      counters.unknownFrames++;
      return;
    }
    long micros = Math.max(0, (now - stamp[3]) / 1000);
    counters.latency.recordValue(micros);
    if (counters.latencyBySecond != null) {
      counters.recordBySecond((now - stepStart) / 1_000_000_000L, micros);
    }
    if (conn.trail != null) {
      conn.trail.received(sender, seq);
    }
    int expected = next[sender];
    if (seq == expected) {
      next[sender] = seq + 1;
      counters.delivered++;
    } else if (seq > expected) {
      for (int gap = expected; gap < seq; gap++) {
        missing.add(key(conn, sender, gap));
      }
      next[sender] = seq + 1;
      counters.delivered++;
    } else if (missing.remove(key(conn, sender, seq))) {
      counters.reordered++;
      counters.delivered++;
    } else {
      counters.duplicates++;
    }
  }

  private static long key(Conn conn, int sender, int seq) {
    return ((long) conn.id << 42) | ((long) sender << 24) | seq;
  }

  private void report(String problem) {
    if (reportedErrors++ < MAX_REPORTED_ERRORS) {
      System.out.println("  ! " + problem);
    }
  }
}
