package chat.bridge;

import io.netty.channel.Channel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every use the chat makes of Vert.x and Netty implementation classes, in one place. They are known to work with
 * Vert.x {@value #KNOWN_VERTX} (the BOM in pom.xml) and its Netty; an upgrade that changes them breaks the build
 * or {@code VertxInternalsTest}, never quietly the chat. Each one is here because the public API has no way to
 * do the same:
 * <ul>
 *   <li>{@link #stockBridge}: {@code SockJSHandler.bridge(…)} installs its own socket handler, so a socket cannot
 *   be wrapped before the bridge sees it. The chat wraps every socket ({@link ListeningSocket}) so that what it
 *   listens to goes to the node-local fan-out ({@link RoomFanout}, BENCHMARKS.md) and the bridge keeps only
 *   requests and replies. Can go when vertx-web lets a bridge handle a given socket.</li>
 *   <li>{@link #dropConnection}: a WebSocket close, even {@code NetSocket.close()}, is a graceful close whose close
 *   frame waits behind everything a stuck client is not reading; only Netty's unsafe close ends the connection
 *   now. Can go when Vert.x has an abortive close for server WebSockets.</li>
 *   <li>{@link ListeningSocket} extends {@code SockJSSocketBase}: the stock bridge casts each socket to it to close
 *   one that stopped pinging ({@code EventBusBridgeImpl.handle}'s ping timer calls {@code closeAfterSessionExpired}).
 *   The timer asks again every ping timeout for as long as the socket stays silent, so a socket may pass over one
 *   call and be closed at a later one, which {@link ListeningSocket} does for a socket it is slowing down (checked
 *   by {@code VertxInternalsTest}). Can go when the bridge closes an idle socket through the public
 *   {@code SockJSSocket} interface.</li>
 *   <li>{@link #STOCK_BRIDGE_LOGGER}: the stock bridge's logger, whose client-error lines
 *   {@link ClientErrorLogFilter} turns into one WARN (checked through a real node by {@code LogForgingIT}).</li>
 * </ul>
 */
final class VertxInternals {

  /** The Vert.x version these were last checked against; {@code VertxInternalsTest} compares the classpath's. */
  static final String KNOWN_VERTX = "5.0.7";
  static final String STOCK_BRIDGE_LOGGER = "io.vertx.ext.web.handler.sockjs.impl.EventBusBridgeImpl";

  private static final Logger LOG = LoggerFactory.getLogger(VertxInternals.class);

  private VertxInternals() {
  }

  /** The stock event-bus bridge as a handler of sockets the caller may wrap first; events go to {@code events}. */
  static Handler<SockJSSocket> stockBridge(Vertx vertx, SockJSBridgeOptions options, Handler<BridgeEvent> events) {
    return new EventBusBridgeImpl(vertx, null, options, events);
  }

  /**
   * Ends a socket's connection at once, skipping the pipeline (Vert.x then reports the socket closed as usual).
   * Answers false, with an ERROR, if this Vert.x does not give the connection's channel: the socket is then only
   * closed politely, which a stuck client never completes, and the internals need a look.
   */
  static boolean dropConnection(SockJSSocket socket) {
    if (socket.routingContext() != null
      && socket.routingContext().request().connection() instanceof HttpServerConnection connection) {
      Channel channel = connection.channelHandlerContext().channel();
      channel.unsafe().close(channel.voidPromise());
      return true;
    }
    LOG.error("cannot drop a stuck socket's connection: this Vert.x does not expose its channel as {} did;"
      + " closing it politely instead (see VertxInternals)", KNOWN_VERTX);
    socket.close();
    return false;
  }
}
