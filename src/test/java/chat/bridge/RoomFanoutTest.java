package chat.bridge;

import chat.metrics.ChatMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fan-out loop on its own. A WebSocket that has closed while its close event is still on the way cannot be
 * produced on demand with real sockets (it lasts microseconds), so this test stands in two minimal sockets for
 * that moment: one behaving as Vert.x's closed WebSocket does (its {@code writeQueueFull} throws), one open.
 */
class RoomFanoutTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aSocketClosedAMomentAgoDoesNotCostTheRestOfTheRoomTheMessage() throws Exception {
    List<Buffer> toClosed = new CopyOnWriteArrayList<>();
    CompletableFuture<Buffer> toOpen = new CompletableFuture<>();
    SockJSSocket closed = socket(true, toClosed::add);
    SockJSSocket open = socket(false, toOpen::complete);

    RoomFanout fanout = new RoomFanout(vertx, socket -> { }, ChatMetrics.none());
    Future.all(fanout.subscribe(closed, "chat.room.global"), fanout.subscribe(open, "chat.room.global")).await();

    vertx.eventBus().publish("chat.room.global", new JsonObject().put("id", 7).put("text", "still here"));

    JsonObject frame = toOpen.get(10, TimeUnit.SECONDS).toJsonObject();
    assertEquals("rec", frame.getString("type"));
    assertEquals("still here", frame.getJsonObject("body").getString("text"));
    assertTrue(toClosed.isEmpty(), "nothing is written to the closed socket");
  }

  @Test
  void aMessageAlreadyEncodedAsJsonTextMakesTheSameFrameAsItsObject() {
    JsonObject message = new JsonObject().put("id", 8).put("room", "dm.a.b").put("text", "quote \" and \\ and </script>");
    String address = "chat.room.dm.a.b";
    assertEquals(RoomFanout.frame(address, message).toJsonObject(),
      RoomFanout.frame(address, message.encode()).toJsonObject());
    assertEquals(new JsonObject().put("type", "rec").put("address", address).put("body", message),
      RoomFanout.frame(address, message.encode()).toJsonObject());
  }

  /** A socket that records what is written to it; a closed one throws from writeQueueFull as Vert.x does. */
  private static SockJSSocket socket(boolean isClosed, Consumer<Buffer> written) {
    return (SockJSSocket) Proxy.newProxyInstance(SockJSSocket.class.getClassLoader(),
      new Class<?>[] {SockJSSocket.class}, (proxy, method, args) -> switch (method.getName()) {
        case "writeQueueFull" -> {
          if (isClosed) {
            throw new IllegalStateException("WebSocket is closed");
          }
          yield false;
        }
        case "write" -> {
          written.accept((Buffer) args[0]);
          yield Future.succeededFuture();
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        case "toString" -> isClosed ? "closed socket" : "open socket";
        default -> throw new UnsupportedOperationException(method.getName());
      });
  }
}
