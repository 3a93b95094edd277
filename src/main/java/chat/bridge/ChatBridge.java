package chat.bridge;

import chat.access.RoomAccess;
import chat.bus.AccessChange;
import chat.metrics.ChatMetrics;
import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The SockJS event-bus bridge: only logged-in sockets, only the chat's addresses, and every frame a browser
 * sends is stamped with the session's user so nobody can speak for someone else. Requests go through the stock
 * bridge; what browsers listen to is delivered by {@link RoomFanout}, one consumer per address per HTTP verticle instance (one per event loop).
 */
public final class ChatBridge {

  static final int MAX_REGISTRATIONS_PER_SOCKET = 50;
  /** The close code of a socket over its user's or its address's limit (4000-4999: the application's own). */
  static final short TOO_MANY_SOCKETS = 4029;
  static final long REFUSAL_DELAY_MS = 1000;
  /**
   * A socket whose session ended (logout, expiry, password change): the page goes back to the login form. A bot's
   * socket is closed with it when its token is replaced or the bot deleted.
   */
  static final short SESSION_ENDED = 4001;
  /** A socket at the end of its lifetime: the page reconnects with its session, if that is still good. */
  static final short LIFETIME_OVER = 4000;
  /** WebSocket's "service restart": the node is going; reconnect (elsewhere). */
  static final short RESTARTING = 1012;
  static final long CLOSE_TICK_MS = 50;
  static final long CLOSE_SPREAD_PER_SOCKET_MS = 3;
  static final long MAX_CLOSE_SPREAD_MS = 3000;
  /** How often open sockets are checked for a session that ended under them (expiry, a logout race). */
  static final long SESSION_CHECK_MS = 30_000;
  public static final int MAX_FRAME_BYTES = 64 * 1024;
  /**
   * What a socket is told on a channel's address when its user is removed from it, or it is deleted (the
   * channel.deleted notice on the user's own address says which).
   */
  static final String REMOVED = "removed from this room";
  /** Bytes a socket may have waiting to be written before it counts as stuck and is closed. */
  static final int MAX_QUEUED_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final Set<String> topics;
  /** Open sockets by session id, so ending a session closes its sockets. */
  private final Map<String, Set<SockJSSocket>> socketsBySession = new HashMap<>();
  /** Open sockets of bots (a token, no session) by the bot's username key, so a revoked token closes them. */
  private final Map<String, Set<SockJSSocket>> socketsByBot = new HashMap<>();
  /** Bots' sockets registered on their own address: only these count for the bot's presence. */
  private final Set<SockJSSocket> botsListening = new HashSet<>();
  /** The node is going ({@link #closeAll}): no new socket is kept. */
  private boolean closing;
  private final RoomFanout fanout;
  private final AtomicInteger openSockets = new AtomicInteger();
  private final BridgeLimits limits;
  private final Function<RoutingContext, String> clientAddress;
  private final RoomAccess access;
  /** The client address each open socket was counted under (the upgrade request's, through a trusted proxy). */
  private final Map<SockJSSocket, String> addresses = new HashMap<>();
  private final SessionLookup sessions;
  private final long socketLifetimeMs;
  /** Per open socket: when its session would expire unless used meanwhile (checked again then), and its end. */
  private final Map<SockJSSocket, SocketTimes> times = new HashMap<>();

  private record SocketTimes(long sessionDeadline, long lifetimeTimer) {
  }

  /**
   * @param limits          the node's socket and frame limits, shared by its bridges
   * @param clientAddress   the real client address of a request (the HTTP side knows about proxies)
   * @param sessions        whether a socket's session has ended under it
   */
  public ChatBridge(Vertx vertx, ChatConfig config, ChatMetrics metrics, BridgeLimits limits,
                    Function<RoutingContext, String> clientAddress, SessionLookup sessions) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.socketLifetimeMs = config.security().socketLifetimeMinutes() * 60_000L;
    vertx.setPeriodic(SESSION_CHECK_MS, id -> checkSessions());
    this.topics = Set.copyOf(config.rooms());
    this.fanout = new RoomFanout(vertx, VertxInternals::dropConnection, metrics);
    this.limits = limits;
    this.clientAddress = clientAddress;
    this.access = new RoomAccess(vertx);
    vertx.eventBus().<JsonObject>localConsumer(Addresses.ACCESS_CHANGED,
      change -> endRemovedListeners(AccessChange.fromJson(change.body())));
    vertx.eventBus().<JsonObject>consumer(Addresses.SESSIONS_END, ended -> sessionsEnded(ended.body()));
  }

  public Router router() {
    // Inbound: the requests browsers may make. Nothing outbound: what browsers listen to is served by RoomFanout,
    // so the bridge itself never registers a consumer for a socket.
    // max handlers: the stock bridge counts a socket's requests awaiting their reply against it (registrations are
    // the fan-out's), but answers the one over it with no reply address, so the client's request would hang:
    // ListeningSocket keeps the count and refuses with a 429 the client can read; the stock one must never refuse
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .setMaxHandlersPerSocket(Integer.MAX_VALUE)
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.SEND))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.HISTORY))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.READ))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.TYPING))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.VOTE));
    // WebSocket only: the polling transports would need cross-origin rules and spread one socket over many
    // requests that a load balancer may send to different nodes
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false)
      .addDisabledTransport(Transport.XHR.name())
      .addDisabledTransport(Transport.JSON_P.name())
      .addDisabledTransport(Transport.EVENT_SOURCE.name())
      .addDisabledTransport(Transport.HTML_FILE.name());
    // the stock bridge for requests and replies, its sockets wrapped so their subscriptions go to the fan-out
    Handler<SockJSSocket> bridge = VertxInternals.stockBridge(vertx, options, this::onEvent);
    return SockJSHandler.create(vertx, sockJs).socketHandler(socket -> bridge.handle(
      new ListeningSocket(vertx, socket, fanout, options.getPingTimeout(), this::mayListen, this::listening,
        MAX_REGISTRATIONS_PER_SOCKET, (listener, cost) -> limits.tryFrame(RoomId.key(socketUser(listener)), cost))));
  }

  private void onEvent(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    String username = socket.webUser() == null ? null : socketUser(socket);
    switch (event.type()) {
      case SOCKET_CREATED -> {
        if (username == null) {
          event.complete(false);
          return;
        }
        if (closing) {
          socket.close(RESTARTING, "node restarting");
          event.complete(false);
          return;
        }
        String address = socket.routingContext() == null ? "unknown" : clientAddress.apply(socket.routingContext());
        if (!limits.openSocket(RoomId.key(username), address)) {
          // closed a second later: a client that opens socket after socket waits for each refusal
          vertx.setTimer(REFUSAL_DELAY_MS, id -> {
            socket.close(TOO_MANY_SOCKETS, "too many open sockets");
            event.complete(false);
          });
          return;
        }
        addresses.put(socket, address);
        long timer = vertx.setTimer(socketLifetimeMs, id -> socket.close(LIFETIME_OVER, "socket lifetime over"));
        Session session = socket.webSession();
        times.put(socket, new SocketTimes(session == null ? 0 : session.lastAccessed() + session.timeout(), timer));
        socket.setWriteQueueMaxSize(MAX_QUEUED_BYTES);
        opened(socket, username);
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        if (username != null) {
          closed(socket, username);
        }
        event.complete(true);
      }
      // every register frame is answered by the fan-out before the bridge sees it
      case REGISTER -> event.complete(false);
      case SEND -> {
        if (username == null) {
          event.complete(false);
          return;
        }
        JsonObject frame = event.getRawMessage();
        // Whatever headers the client sent are dropped: the only ones that count are who it really is, and when
        // it came in (a send that waits too long in a busy node is refused, see chat.room.Overload).
        JsonObject headers = new JsonObject().put(Addresses.USER_HEADER, username)
          .put(Addresses.ARRIVED_HEADER, Long.toString(System.nanoTime()));
        frame.put("headers", isBot(socket) ? headers.put(Addresses.BOT_HEADER, "true") : headers);
        event.complete(true);
      }
      case RECEIVE -> {
        boolean full;
        try {
          full = socket.writeQueueFull();
        } catch (IllegalStateException closing) {
          // a raw WebSocket throws once its peer's close frame is in: it is leaving, the reply goes nowhere
          event.complete(false);
          return;
        }
        // A browser that stopped reading would make the server hold every message for it: cut it off; it
        // catches up from history when it reconnects.
        if (full) {
          VertxInternals.dropConnection(socket);
          event.complete(false);
          return;
        }
        // nothing a browser receives may be replied to on the server's behalf
        event.getRawMessage().remove("replyAddress");
        event.complete(true);
      }
      // browsers only ever send requests; a publish would reach every consumer with no reply to check it
      case PUBLISH -> event.complete(false);
      default -> event.complete(true);
    }
  }

  /**
   * Who may listen where: open rooms for all, a channel for its members, a private room for its two members when
   * the other one exists (a made-up partner would cost a cluster-wide registration), own notices, presence.
   */
  Future<Boolean> mayListen(SockJSSocket socket, String address) {
    if (socket.webUser() == null || address == null) {
      return Future.succeededFuture(false);
    }
    String username = socketUser(socket);
    if (address.equals(Addresses.PRESENCE) || address.equals(Addresses.user(username))) {
      return Future.succeededFuture(true);
    }
    String roomId = address.startsWith(Addresses.ROOM_PREFIX) ? address.substring(Addresses.ROOM_PREFIX.length())
      : address.startsWith(Addresses.TYPING_PREFIX) ? address.substring(Addresses.TYPING_PREFIX.length())
      : null;
    RoomId room = RoomId.parse(roomId, topics);
    if (room == null || !room.admits(username)) {
      return Future.succeededFuture(false);
    }
    return access.usable(room, username).map(true).otherwise(false);
  }

  /**
   * Someone removed from a channel (or everyone, when it is deleted) stops receiving from it at once: each of their
   * sockets here listening to the channel or its typing is unsubscribed and told with an error frame on that
   * address, which the official client hands to that address's handler.
   */
  private void endRemovedListeners(AccessChange change) {
    if (change.channel() == null || !change.deleted() && change.removed().isEmpty()) {
      return;
    }
    String room = new RoomId.Channel(change.channel()).id();
    for (String address : List.of(Addresses.room(room), Addresses.typing(room))) {
      for (SockJSSocket socket : fanout.listeners(address)) {
        if (change.deleted() || change.removed().contains(RoomId.key(socketUser(socket)))) {
          fanout.unsubscribe(socket, address);
          socket.write(new JsonObject().put("type", "err").put("address", address)
            .put("failureCode", Failure.FORBIDDEN).put("failureType", "RECIPIENT_FAILURE")
            .put("message", REMOVED).toBuffer());
        }
      }
    }
  }

  private void opened(SockJSSocket socket, String username) {
    openSockets.incrementAndGet();
    if (isBot(socket)) {
      socketsByBot.computeIfAbsent(RoomId.key(username), key -> new HashSet<>()).add(socket);
      // online once it listens for its commands (listening), or a command sent in between would reach nobody
      return;
    }
    if (socket.webSession() != null) {
      socketsBySession.computeIfAbsent(socket.webSession().id(), id -> new HashSet<>()).add(socket);
    }
    tellPresence(username, 1, false);
  }

  /** A bot's socket counts as online from its registration on its own address, when commands can reach it. */
  private void listening(SockJSSocket socket, String address) {
    String username = socketUser(socket);
    if (isBot(socket) && address.equals(Addresses.user(username)) && botsListening.add(socket)) {
      tellPresence(username, 1, true);
    }
  }

  /** One more or one fewer socket of this user here (a bot's: it gets no offline grace). */
  private void tellPresence(String username, int delta, boolean bot) {
    vertx.eventBus().send(Addresses.PRESENCE_LOCAL, new JsonObject().put("username", username).put("delta", delta)
      .put("bot", bot));
  }

  private void closed(SockJSSocket socket, String username) {
    openSockets.decrementAndGet();
    limits.socketClosed(RoomId.key(username), addresses.remove(socket));
    SocketTimes ended = times.remove(socket);
    if (ended != null) {
      vertx.cancelTimer(ended.lifetimeTimer());
    }
    socketsBySession.values().removeIf(sockets -> sockets.remove(socket) && sockets.isEmpty());
    socketsByBot.values().removeIf(sockets -> sockets.remove(socket) && sockets.isEmpty());
    boolean bot = isBot(socket);
    if (!bot || botsListening.remove(socket)) {
      tellPresence(username, -1, bot);
    }
  }

  /**
   * Closes the sockets whose session has ended under them: it expired (the page keeps it in use while open), or a
   * logout raced with the socket's opening. A session is asked of the store only once it could have expired.
   */
  private void checkSessions() {
    long now = System.currentTimeMillis();
    List.copyOf(times.entrySet()).forEach(entry -> {
      SockJSSocket socket = entry.getKey();
      Session session = socket.webSession();
      if (isBot(socket)) {
        // a bot has a token, not a session: it ends when the token is replaced or the bot deleted (sessionsEnded)
        return;
      }
      if (session == null || sessions.ended(session.id())) {
        socket.close(SESSION_ENDED, "session ended");
      } else if (entry.getValue().sessionDeadline() <= now) {
        sessions.deadline(session.id()).onComplete(deadline -> {
          if (deadline == null) {
            socket.close(SESSION_ENDED, "session ended");
          } else {
            times.computeIfPresent(socket, (s, old) -> new SocketTimes(deadline, old.lifetimeTimer()));
          }
        }, unknown -> { /* the store is away: ask again next round */ });
      }
    });
  }

  /** Open sockets of this bridge; read from other threads (metrics). */
  public int openSockets() {
    return openSockets.get();
  }

  /**
   * A node going down tells every browser to reconnect (to another node, through the load balancer): 1012 is
   * WebSocket's "service restart". Pages reconnect and catch up from history. Not all at once: a few every
   * {@value #CLOSE_TICK_MS} ms, over up to {@value #MAX_CLOSE_SPREAD_MS} ms (3 ms a socket), so that the nodes they
   * come back to take them as a stream; all of a node's 1,000 members in one second held the node they reconnected
   * to at a p99 of 3 s (W8, issue 18). Sockets opened meanwhile are closed at once. Completes when all are closed.
   */
  public Future<Void> closeAll() {
    closing = true;
    List<SockJSSocket> open = new java.util.ArrayList<>(java.util.stream.Stream.concat(
      socketsBySession.values().stream(), socketsByBot.values().stream()).flatMap(Set::stream).toList());
    long spread = Math.min(MAX_CLOSE_SPREAD_MS, open.size() * CLOSE_SPREAD_PER_SOCKET_MS);
    int perTick = (int) Math.ceil(open.size() / (double) Math.max(1, spread / CLOSE_TICK_MS));
    Promise<Void> closed = Promise.promise();
    closeSome(open, perTick, closed);
    return closed.future();
  }

  private void closeSome(List<SockJSSocket> open, int perTick, Promise<Void> closed) {
    List<SockJSSocket> now = open.subList(0, Math.min(perTick, open.size()));
    now.forEach(socket -> socket.close(RESTARTING, "node restarting"));
    now.clear();
    if (open.isEmpty()) {
      closed.complete();
    } else {
      vertx.setTimer(CLOSE_TICK_MS, id -> closeSome(open, perTick, closed));
    }
  }

  /**
   * {session}: that session ended (logout); {username, exceptSession}: all of that user's other sessions did;
   * {bot}: that bot's token was replaced, or the bot deleted.
   */
  private void sessionsEnded(JsonObject ended) {
    if (ended.getString("bot") != null) {
      Set<SockJSSocket> bots = socketsByBot.getOrDefault(RoomId.key(ended.getString("bot")), Set.of());
      List.copyOf(bots).forEach(socket -> socket.close(SESSION_ENDED, "token revoked"));
      return;
    }
    String session = ended.getString("session");
    String userKey = ended.getString("username") == null ? null : RoomId.key(ended.getString("username"));
    List<SockJSSocket> closing = socketsBySession.entrySet().stream()
      .filter(entry -> session != null ? entry.getKey().equals(session)
        : !entry.getKey().equals(ended.getString("exceptSession")) && entry.getValue().stream()
          .anyMatch(socket -> userKey.equals(RoomId.key(socketUser(socket)))))
      .flatMap(entry -> entry.getValue().stream())
      .toList();
    closing.forEach(socket -> socket.close(SESSION_ENDED, "session ended"));
  }

  /** A bot's socket: opened with a token ({@code chat.http.BearerAuth} marks its user), without a session. */
  private static boolean isBot(SockJSSocket socket) {
    return socket.webUser() != null && socket.webUser().principal().getBoolean("bot", false);
  }

  private static String socketUser(SockJSSocket socket) {
    User user = socket.webUser();
    return user == null ? "" : user.principal().getString("username");
  }
}
