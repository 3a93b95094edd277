package chat.bridge;

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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
