package chat.bridge;

import chat.app.ChatMetrics;
import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.config.ChatConfig;
import io.netty.channel.Channel;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SockJS event-bus bridge: only logged-in sockets, only the chat's addresses, and every frame a browser
 * sends is stamped with the session's user so nobody can speak for someone else. Requests go through the stock
 * bridge; what browsers listen to is delivered by {@link RoomFanout}, one consumer per address per node.
 */
public final class ChatBridge {

  static final int MAX_REGISTRATIONS_PER_SOCKET = 50;
  public static final int MAX_FRAME_BYTES = 64 * 1024;
  /** Bytes a socket may have waiting to be written before it counts as stuck and is closed. */
  static final int MAX_QUEUED_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final Set<String> topics;
  /** Open sockets by session id, so ending a session closes its sockets. */
  private final Map<String, Set<SockJSSocket>> socketsBySession = new HashMap<>();
  private final RoomFanout fanout;
  private final AtomicInteger openSockets = new AtomicInteger();

  public ChatBridge(Vertx vertx, ChatConfig config, ChatMetrics metrics) {
    this.vertx = vertx;
    this.topics = Set.copyOf(config.rooms());
    this.fanout = new RoomFanout(vertx, ChatBridge::cutOff, metrics);
    vertx.eventBus().<JsonObject>consumer(Addresses.SESSIONS_END, ended -> sessionsEnded(ended.body()));
  }

  public Router router() {
    // Inbound: the requests browsers may make. Nothing outbound: what browsers listen to is served by RoomFanout,
    // so the bridge itself never registers a consumer for a socket.
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .setMaxHandlersPerSocket(MAX_REGISTRATIONS_PER_SOCKET)
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.SEND))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.HISTORY))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.READ))
      .addInboundPermitted(new PermittedOptions().setAddress(Addresses.TYPING));
    // WebSocket only: the polling transports would need cross-origin rules and spread one socket over many
    // requests that a load balancer may send to different nodes
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false)
      .addDisabledTransport(Transport.XHR.name())
      .addDisabledTransport(Transport.JSON_P.name())
      .addDisabledTransport(Transport.EVENT_SOURCE.name())
      .addDisabledTransport(Transport.HTML_FILE.name());
    // the stock bridge for requests and replies, its sockets wrapped so their subscriptions go to the fan-out
    EventBusBridgeImpl bridge = new EventBusBridgeImpl(vertx, null, options, this::onEvent);
    return SockJSHandler.create(vertx, sockJs).socketHandler(socket -> bridge.handle(
      new ListeningSocket(socket, fanout, (listener, address) -> listener.webUser() != null
        && mayListen(socketUser(listener), address), MAX_REGISTRATIONS_PER_SOCKET)));
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
        // Whatever headers the client sent are dropped: the only one that counts is who it really is.
        event.getRawMessage().put("headers", new JsonObject().put(Addresses.USER_HEADER, username));
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
          cutOff(socket);
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

  /** Who may listen where: open rooms for all, a private room for its two members, own notices, presence. */
  boolean mayListen(String username, String address) {
    if (address == null) {
      return false;
    }
    if (address.equals(Addresses.PRESENCE)) {
      return true;
    }
    if (address.equals(Addresses.user(username))) {
      return true;
    }
    String roomId = address.startsWith(Addresses.ROOM_PREFIX) ? address.substring(Addresses.ROOM_PREFIX.length())
      : address.startsWith(Addresses.TYPING_PREFIX) ? address.substring(Addresses.TYPING_PREFIX.length())
      : null;
    RoomId room = RoomId.parse(roomId, topics);
    return room != null && room.admits(username);
  }

  private void opened(SockJSSocket socket, String username) {
    openSockets.incrementAndGet();
    if (socket.webSession() != null) {
      socketsBySession.computeIfAbsent(socket.webSession().id(), id -> new HashSet<>()).add(socket);
    }
    vertx.eventBus().send(Addresses.PRESENCE_LOCAL, new JsonObject().put("username", username).put("delta", 1));
  }

  private void closed(SockJSSocket socket, String username) {
    openSockets.decrementAndGet();
    socketsBySession.values().removeIf(sockets -> sockets.remove(socket) && sockets.isEmpty());
    vertx.eventBus().send(Addresses.PRESENCE_LOCAL, new JsonObject().put("username", username).put("delta", -1));
  }

  /**
   * Drops the connection itself. A polite WebSocket close queues its close frame behind everything the client is
   * not reading, and Vert.x turns a channel close into that same graceful close; only Netty's unsafe close, which
   * skips the pipeline, ends it now (Vert.x then reports the socket closed as usual).
   */
  private static void cutOff(SockJSSocket socket) {
    if (socket.routingContext() != null
      && socket.routingContext().request().connection() instanceof HttpServerConnection connection) {
      Channel channel = connection.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
    } else {
      socket.close();
    }
  }

  /** Open sockets of this bridge; read from other threads (metrics). */
  public int openSockets() {
    return openSockets.get();
  }

  /**
   * A node going down tells every browser to reconnect (to another node, through the load balancer): 1012 is
   * WebSocket's "service restart". Pages reconnect and catch up from history.
   */
  public void closeAll() {
    socketsBySession.values().stream().flatMap(Set::stream).toList()
      .forEach(socket -> socket.close(1012, "node restarting"));
  }

  /** {session}: that session ended (logout); {username, exceptSession}: all of that user's other sessions did. */
  private void sessionsEnded(JsonObject ended) {
    String session = ended.getString("session");
    String userKey = ended.getString("username") == null ? null : RoomId.key(ended.getString("username"));
    List<SockJSSocket> closing = socketsBySession.entrySet().stream()
      .filter(entry -> session != null ? entry.getKey().equals(session)
        : !entry.getKey().equals(ended.getString("exceptSession")) && entry.getValue().stream()
          .anyMatch(socket -> userKey.equals(RoomId.key(socketUser(socket)))))
      .flatMap(entry -> entry.getValue().stream())
      .toList();
    closing.forEach(socket -> socket.close(4001, "session ended"));
  }

  private static String socketUser(SockJSSocket socket) {
    User user = socket.webUser();
    return user == null ? "" : user.principal().getString("username");
  }
}
