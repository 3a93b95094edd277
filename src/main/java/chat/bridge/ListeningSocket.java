package chat.bridge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.function.BiPredicate;

/**
 * A bridge socket whose register and unregister frames are served by {@link RoomFanout} instead of the stock
 * bridge (which would register a cluster-wide consumer per socket). Every other frame, and everything the socket
 * does otherwise, passes through unchanged.
 */
final class ListeningSocket implements SockJSSocket {

  private static final String PING = "{\"type\":\"ping\"}";

  private final SockJSSocket socket;
  private final RoomFanout fanout;
  private final BiPredicate<SockJSSocket, String> mayListen;
  private final int maxRegistrations;

  ListeningSocket(SockJSSocket socket, RoomFanout fanout, BiPredicate<SockJSSocket, String> mayListen,
                  int maxRegistrations) {
    this.socket = socket;
    this.fanout = fanout;
    this.mayListen = mayListen;
    this.maxRegistrations = maxRegistrations;
  }

  SockJSSocket unwrap() {
    return socket;
  }

  @Override
  public SockJSSocket handler(Handler<Buffer> bridge) {
    socket.handler(data -> {
      if (!servedHere(data)) {
        bridge.handle(data);
      }
    });
    return this;
  }

  /** True when the frame was a register or unregister and has been answered here. */
  private boolean servedHere(Buffer data) {
    // the most frequent frame by far (every socket, every few seconds): no parse
    if (data.length() == PING.length() && data.toString().equals(PING)) {
      return false;
    }
    JsonObject frame;
    try {
      frame = data.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return false; // the bridge answers malformed frames
    }
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    // the stock bridge reads these as strings and would throw on anything else
    if (type != null && !(type instanceof String) || address != null && !(address instanceof String)
      || frame.getValue("replyAddress") != null && !(frame.getValue("replyAddress") instanceof String)) {
      error("invalid_frame");
      return true;
    }
    if (!"register".equals(type) && !"unregister".equals(type) || !(address instanceof String listenTo)) {
      return false;
    }
    if (type.equals("unregister")) {
      fanout.unsubscribe(socket, listenTo);
    } else if (fanout.isSubscribed(socket, listenTo)) {
      error("address_already_registered");
    } else if (fanout.subscriptions(socket) >= maxRegistrations) {
      error("max_handlers_reached");
    } else if (!mayListen.test(socket, listenTo)) {
      error("access_denied");
    } else {
      fanout.subscribe(socket, listenTo).onComplete(
        live -> socket.write(new JsonObject().put("type", "event").put("event", "registered")
          .put("message", new JsonObject().put("address", listenTo)).toBuffer()),
        failed -> error("registration_failure"));
    }
    return true;
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

  @Override
  public Future<Void> write(Buffer data) {
    return socket.write(data);
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
