package chat.bridge;

import chat.metrics.ChatMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vert.x implementation classes the bridge uses, checked on a real SockJS server and WebSocket client, so an
 * upgrade that changes them fails here by name instead of quietly degrading the chat (see {@link VertxInternals}).
 */
class VertxInternalsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void theClasspathHasTheVertxTheInternalsWereCheckedWith() {
    String onClasspath = Vertx.class.getPackage().getImplementationVersion();
    assertEquals(VertxInternals.KNOWN_VERTX, onClasspath, "Vert.x on the classpath is " + onClasspath
      + ", VertxInternals was checked with " + VertxInternals.KNOWN_VERTX + ": read the classes it names in the new"
      + " sources, run this test, SlowConsumerTest and LogForgingIT, then update KNOWN_VERTX");
    assertEquals(onClasspath, SockJSHandler.class.getPackage().getImplementationVersion(), "vertx-web and vertx-core"
      + " come from the same BOM");
  }

  @Test
  void theStockBridgeAnswersARequestFromASocketHandedToIt() throws TimeoutException {
    vertx.eventBus().<JsonObject>consumer("test.echo", request -> request.reply(request.body().put("echoed", true)));
    SockJSBridgeOptions options = new SockJSBridgeOptions()
      .addInboundPermitted(new PermittedOptions().setAddress("test.echo"));
    int port = serve(socket -> VertxInternals.stockBridge(vertx, options, event -> event.complete(true)).handle(socket));

    WebSocket client = connect(port);
    Promise<JsonObject> reply = Promise.promise();
    client.handler(data -> reply.tryComplete(data.toJsonObject()));
    client.writeTextMessage(new JsonObject().put("type", "send").put("address", "test.echo").put("replyAddress", "r1")
      .put("body", new JsonObject().put("text", "hi")).encode());

    JsonObject frame = reply.future().await(10, TimeUnit.SECONDS);
    assertEquals("r1", frame.getString("address"), frame.encode());
    assertEquals(new JsonObject().put("text", "hi").put("echoed", true), frame.getJsonObject("body"));
  }

  @Test
  void aDroppedConnectionEndsAtOnceWithoutACloseFrame() throws TimeoutException {
    Promise<Boolean> dropped = Promise.promise();
    // dropped when the client speaks, so the client is listening for the end before it comes
    int port = serve(socket -> socket.handler(frame -> dropped.tryComplete(VertxInternals.dropConnection(socket))));

    WebSocket client = connect(port);
    Promise<Void> closed = Promise.promise();
    client.closeHandler(v -> closed.tryComplete());
    client.writeTextMessage("{\"type\":\"ping\"}");

    assertTrue(dropped.future().await(10, TimeUnit.SECONDS), "the connection's channel was reached");
    closed.future().await(10, TimeUnit.SECONDS);
    // 1006: WebSocket's "closed abnormally", what a client sees when no close frame came before the end
    assertEquals((short) 1006, client.closeStatusCode(), "no polite close frame: the connection was cut");
  }

  /**
   * The stock bridge asks a silent socket to close at every ping timeout, not once: a socket the chat is slowing down
   * (its pings may be unread behind its flood) passes over those calls, and is closed at a later one once it has been
   * read at full speed for a ping timeout and still sent no ping. A short ping timeout keeps the test to seconds.
   */
  @Test
  void aSocketSlowedDownForItsFloodIsNotClosedAsIdleUntilItFallsSilent() throws Exception {
    long pingTimeoutMs = 1000;
    SockJSBridgeOptions options = new SockJSBridgeOptions().setPingTimeout(pingTimeoutMs);
    Handler<SockJSSocket> bridge = VertxInternals.stockBridge(vertx, options, event -> event.complete(true));
    RoomFanout fanout = new RoomFanout(vertx, socket -> { }, ChatMetrics.none());
    // a user with no budget left: each request is refused 429 and its socket not read from for SLOW_DOWN_MS
    int port = serve(socket -> bridge.handle(new ListeningSocket(vertx, socket, fanout, pingTimeoutMs,
      (listener, address) -> Future.succeededFuture(false), (listener, address) -> { }, 1, (listener, cost) -> false)));

    WebSocket client = connect(port);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    client.handler(data -> frames.add(data.toJsonObject()));
    Promise<Void> closed = Promise.promise();
    client.closeHandler(v -> {
      frames.add(new JsonObject().put("type", "closed by the server"));
      closed.tryComplete();
    });

    // never a ping: one request after another's refusal, through three of the bridge's idle checks
    long floodEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * pingTimeoutMs + pingTimeoutMs / 2);
    int refused = 0;
    for (int i = 0; i < 1000 && System.nanoTime() < floodEnd; i++) {
      int before = refused;
      assertFalse(client.isClosed(), () -> "closed (" + client.closeStatusCode() + ") as idle while slowed down, after "
        + before + " refusals");
      client.writeTextMessage(new JsonObject().put("type", "send").put("address", "chat.history")
        .put("replyAddress", "r" + i).put("body", new JsonObject().put("room", "global")).encode());
      JsonObject answer = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(answer, "no answer to request " + i);
      assertEquals(429, answer.getInteger("failureCode", -1), "request " + i + ": " + answer.encode());
      refused++;
    }
    assertTrue(System.nanoTime() >= floodEnd, "the flood lasted through three idle checks: " + refused + " refusals");
    assertFalse(client.isClosed(), "closed as idle while slowed down");

    // silent from now on: closed at the first idle check a ping timeout after it was last slowed down
    closed.future().await(10, TimeUnit.SECONDS);
    assertEquals((short) 1001, client.closeStatusCode(), "closed as the stock bridge closes an idle WebSocket");
  }

  private int serve(Consumer<SockJSSocket> sockets) {
    Router router = Router.router(vertx);
    router.route("/sock/*").subRouter(SockJSHandler.create(vertx).socketHandler(sockets::accept));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    return server.actualPort();
  }

  private WebSocket connect(int port) {
    WebSocketClient client = vertx.createWebSocketClient();
    return client.connect(port, "127.0.0.1", "/sock/websocket").await();
  }
}
