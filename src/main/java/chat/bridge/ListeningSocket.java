package chat.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import chat.bus.Addresses;
import chat.bus.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.SockJSSocketBase;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;

/**
 * A bridge socket whose register and unregister frames are served by {@link RoomFanout} instead of the stock
 * bridge (which would register a cluster-wide consumer per socket). Every other frame, and everything the socket
 * does otherwise, passes through unchanged.
 *
 * <p>A {@link SockJSSocketBase}, not only a {@link SockJSSocket}: the stock bridge (vertx-web 5.0.7) casts every
 * socket to it when the socket has not pinged within the ping timeout, to close it; a plain wrapper made that a
 * ClassCastException every 10 s per idle socket, which was never closed. See {@link VertxInternals}.
 */
final class ListeningSocket extends SockJSSocketBase {

  /** The base class's own write handler is not wanted: every write goes to the wrapped socket. */
  private static final SockJSHandlerOptions NO_WRITE_HANDLER =
    new SockJSHandlerOptions().setRegisterWriteHandler(false);

  private static final String PING = "{\"type\":\"ping\"}";

  /** Reply addresses the bridge gives frames that asked for no answer (see ChatBridge); at most 36 characters. */
  private static final String UNANSWERED = "chat-unanswered.";
  /** The stock bridge refuses longer reply addresses (vertx-eventbus.js makes UUIDs). */
  static final int MAX_REPLY_ADDRESS = 36;
  private static final byte[] ADDRESS_KEY = "\"address\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final AtomicLong NEXT_UNANSWERED = new AtomicLong();

  /** The addresses browsers send requests to: each frame to one of them is limited here. */
  private static final Set<Object> REQUEST_ADDRESSES = Set.of(Addresses.SEND, Addresses.HISTORY, Addresses.READ,
    Addresses.TYPING, Addresses.VOTE);
  /** How long a socket over its limits is not read from: the sender's own TCP buffers then hold it back. */
  static final long SLOW_DOWN_MS = 250;

  private final SockJSSocket socket;
  private final RoomFanout fanout;
  /** The stock bridge's ping timeout: how long a socket may send no ping before it counts as idle. */
  private final long pingTimeoutMs;
  private boolean slowedDown;
  /** When this socket was last read again after a slow-down (epoch ms, the stock bridge's clock); 0: never. */
  private long readAgainAt;
  /** When this socket's last frame of any kind was read: a socket heard from within a ping timeout is alive. */
  private long lastHeardAt = System.currentTimeMillis();
  private final BiFunction<SockJSSocket, String, Future<Boolean>> mayListen;
  /** Told of each registration once it is live. */
  private final java.util.function.BiConsumer<SockJSSocket, String> listening;
  private final int maxRegistrations;
  private final BiPredicate<SockJSSocket, Integer> withinBudget;
  /** Addresses whose registration is being checked: they count as registered until the answer. */
  private final Set<String> pending = new HashSet<>();
  /** Reply addresses of this socket's requests that the bridge has not answered yet. */
  private final Set<String> inFlight = new HashSet<>();

  ListeningSocket(Vertx vertx, SockJSSocket socket, RoomFanout fanout, long pingTimeoutMs,
                  BiFunction<SockJSSocket, String, Future<Boolean>> mayListen,
                  java.util.function.BiConsumer<SockJSSocket, String> listening, int maxRegistrations,
                  BiPredicate<SockJSSocket, Integer> withinBudget) {
    super(vertx, socket.routingContext(), NO_WRITE_HANDLER);
    this.socket = socket;
    this.fanout = fanout;
    this.pingTimeoutMs = pingTimeoutMs;
    this.mayListen = mayListen;
    this.listening = listening;
    this.maxRegistrations = maxRegistrations;
    this.withinBudget = withinBudget;
  }

  static String unansweredReplyAddress() {
    return UNANSWERED + NEXT_UNANSWERED.incrementAndGet();
  }

  SockJSSocket unwrap() {
    return socket;
  }

  @Override
  public SockJSSocket handler(Handler<Buffer> bridge) {
    socket.handler(data -> {
      lastHeardAt = System.currentTimeMillis();
      Buffer forward = inspect(data);
      if (forward != null) {
        bridge.handle(forward);
      }
    });
    return this;
  }

  /**
   * Serves register and unregister frames, limits requests, and hands the rest to the bridge: the frame to pass on
   * (a request that asked for no answer gets a reply address of the bridge's own), or null when it was answered
   * or refused here.
   */
  private Buffer inspect(Buffer data) {
    // the most frequent frame by far (every socket, every few seconds): no parse
    if (data.length() == PING.length() && data.toString().equals(PING)) {
      return data;
    }
    JsonObject frame;
    try {
      frame = data.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return data; // the bridge answers malformed frames
    }
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    Object replyAddress = frame.getValue("replyAddress");
    // the stock bridge reads these as strings and would throw on anything else
    if (type != null && !(type instanceof String) || address != null && !(address instanceof String)
      || replyAddress != null && !(replyAddress instanceof String)) {
      error("invalid_frame");
      return null;
    }
    if ("send".equals(type) && address != null && REQUEST_ADDRESSES.contains(address)) {
      return limited(frame, (String) replyAddress, data);
    }
    if (!"register".equals(type) && !"unregister".equals(type) || !(address instanceof String listenTo)) {
      return data;
    }
    register((String) type, listenTo);
    return null;
  }

  /**
   * A request counts against its user's budget and its socket's requests in flight. Over either, it is answered
   * 429 at once (one that asked for no answer gets none), and the socket is not read from for a moment, so that
   * a flood costs its sender, not the server. Within both, it is in flight until the bridge writes its answer.
   */
  private Buffer limited(JsonObject frame, String replyAddress, Buffer data) {
    String reply = replyAddress == null ? unansweredReplyAddress() : replyAddress;
    if (reply.length() > MAX_REPLY_ADDRESS) {
      return data; // the bridge refuses it as it is
    }
    int cost = BridgeLimits.cost(frame.getValue("address"), frame.getValue("body") instanceof JsonObject body ? body : null);
    if (inFlight.size() >= BridgeLimits.MAX_IN_FLIGHT_PER_SOCKET || !withinBudget.test(this, cost)) {
      if (replyAddress != null) {
        socket.write(new JsonObject().put("type", "err").put("address", replyAddress)
          .put("failureCode", Failure.TOO_MANY).put("failureType", "RECIPIENT_FAILURE")
          .put("message", "too many requests, slow down").toBuffer());
      }
      slowDown();
      return null;
    }
    inFlight.add(reply);
    return replyAddress == null ? frame.put("replyAddress", reply).toBuffer() : data;
  }

  private void slowDown() {
    if (!slowedDown) {
      slowedDown = true;
      socket.pause();
      vertx.setTimer(SLOW_DOWN_MS, id -> {
        slowedDown = false;
        readAgainAt = System.currentTimeMillis();
        socket.resume();
      });
    }
  }

  private void register(String type, String listenTo) {
    if (!withinBudget.test(this, 1)) {
      error("too_many_requests");
      slowDown();
    } else if (type.equals("unregister")) {
      fanout.unsubscribe(socket, listenTo);
    } else if (fanout.isSubscribed(socket, listenTo) || pending.contains(listenTo)) {
      error("address_already_registered");
    } else if (fanout.subscriptions(socket) + pending.size() >= maxRegistrations) {
      error("max_handlers_reached");
    } else {
      pending.add(listenTo);
      mayListen.apply(this, listenTo)
        .compose(allowed -> allowed ? fanout.subscribe(socket, listenTo).map(true) : Future.succeededFuture(false))
        .onComplete(
          registered -> {
            pending.remove(listenTo);
            if (!registered) {
              error("access_denied");
            } else {
              socket.write(new JsonObject().put("type", "event").put("event", "registered")
                .put("message", new JsonObject().put("address", listenTo)).toBuffer());
              listening.accept(this, listenTo);
            }
          },
          failed -> {
            pending.remove(listenTo);
            error("registration_failure");
          });
    }
  }

  private void error(String body) {
    socket.write(new JsonObject().put("type", "err").put("body", body).toBuffer());
  }

  @Override
  public SockJSSocket closeHandler(Handler<Void> closeHandler) {
    socket.closeHandler(v -> {
      fanout.socketClosed(socket);
      if (closeHandler != null) {
        closeHandler.handle(v);
      }
    });
    return this;
  }

  // Everything else is the socket itself.

  @Override
  public SockJSSocket exceptionHandler(Handler<Throwable> handler) {
    socket.exceptionHandler(handler);
    return this;
  }

  @Override
  public SockJSSocket pause() {
    socket.pause();
    return this;
  }

  @Override
  public SockJSSocket resume() {
    socket.resume();
    return this;
  }

  @Override
  public SockJSSocket fetch(long amount) {
    socket.fetch(amount);
    return this;
  }

  @Override
  public SockJSSocket endHandler(Handler<Void> endHandler) {
    socket.endHandler(endHandler);
    return this;
  }

  /** What the bridge writes (answers, errors), but for the answers to frames that asked for none. */
  @Override
  public Future<Void> write(Buffer data) {
    String address = inFlight.isEmpty() ? null : envelopeAddress(data);
    if (address != null && inFlight.remove(address) && address.startsWith(UNANSWERED)) {
      return Future.succeededFuture();
    }
    return socket.write(data);
  }

  /**
   * The address of one of the bridge's envelopes, which name it right after their type
   * ({"type":"rec","address":"…", …}); null for anything else.
   */
  private static String envelopeAddress(Buffer data) {
    int end = Math.min(data.length(), 32) - ADDRESS_KEY.length;
    for (int start = 0; start <= end; start++) {
      int i = 0;
      while (i < ADDRESS_KEY.length && data.getByte(start + i) == ADDRESS_KEY[i]) {
        i++;
      }
      if (i == ADDRESS_KEY.length) {
        int from = start + i;
        int to = from;
        while (to < data.length() && to - from <= MAX_REPLY_ADDRESS && data.getByte(to) != '"') {
          to++;
        }
        return to < data.length() && data.getByte(to) == '"' ? data.getString(from, to) : null;
      }
    }
    return null;
  }

  @Override
  public SockJSSocket setWriteQueueMaxSize(int maxSize) {
    socket.setWriteQueueMaxSize(maxSize);
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return socket.writeQueueFull();
  }

  @Override
  public SockJSSocket drainHandler(Handler<Void> handler) {
    socket.drainHandler(handler);
    return this;
  }

  @Override
  public String writeHandlerID() {
    return socket.writeHandlerID();
  }

  @Override
  public Future<Void> end() {
    return socket.end();
  }

  @Override
  public void close() {
    socket.close();
  }

  @Override
  public void close(int statusCode, String reason) {
    socket.close(statusCode, reason);
  }

  /**
   * The stock bridge's close of a socket that sent no ping for the ping timeout: as the wrapped socket's transport
   * does it (a WebSocket with 1001). Not while we slow the socket down, nor for a ping timeout after: we stopped
   * reading it, so its pings sit unread behind its flood and it is unheard, not silent; once read again, its backlog
   * goes through at full speed well within a ping timeout. A flood buys no free socket: every frame of it costs
   * budget, the socket's lifetime still ends it, and a ping timeout after the flood a silent one is closed as usual.
   * Nor a socket any frame of which was read within a ping timeout: on a node five times over its capacity the
   * pings of busy sockets are read late (OverloadIT saw 115 of 800 live sockets closed 1001), and a socket that
   * is sending is not gone.
   */
  @Override
  public void closeAfterSessionExpired() {
    long now = System.currentTimeMillis();
    if (slowedDown || now - readAgainAt < pingTimeoutMs || now - lastHeardAt < pingTimeoutMs) {
      return;
    }
    if (socket instanceof SockJSSocketBase base) {
      base.closeAfterSessionExpired();
    } else {
      socket.close();
    }
  }

  @Override
  public SocketAddress remoteAddress() {
    return socket.remoteAddress();
  }

  @Override
  public SocketAddress localAddress() {
    return socket.localAddress();
  }

  @Override
  public MultiMap headers() {
    return socket.headers();
  }

  @Override
  public String uri() {
    return socket.uri();
  }

  @Override
  public RoutingContext routingContext() {
    return socket.routingContext();
  }

  @Override
  public Session webSession() {
    return socket.webSession();
  }

  @Override
  public User webUser() {
    return socket.webUser();
  }
}
