package chat.bench.baseline;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling the chat server is measured against: a bare Vert.x WebSocket broadcast server speaking the same
 * frames as the chat's bridge on {@code /eventbus/websocket} (register, send with a reply, deliveries as
 * {@code {"type":"rec","address":"chat.room.<room>","body":{id,room,sender,text,ts}}}), with none of the
 * chat's work: no login, no bridge rules, no cluster, no database. A message is encoded once; each event loop
 * gets the one buffer and writes it to every socket of the room it holds. A socket whose write queue is full is
 * closed (a bounded queue per client), as a server that must survive slow readers would do.
 *
 * <p>{@code java -cp bench.jar chat.bench.baseline.BroadcastServer <port>}
 */
public final class BroadcastServer extends VerticleBase {

  private static final String FANOUT = "baseline.fanout";
  private static final AtomicLong IDS = new AtomicLong();

  private final int port;
  /** Sockets of this event loop by registered address. */
  private final Map<String, Set<ServerWebSocket>> rooms = new HashMap<>();

  BroadcastServer(int port) {
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(loops));
    vertx.deployVerticle(() -> new BroadcastServer(port), new DeploymentOptions().setInstances(loops))
      .await(30, TimeUnit.SECONDS);
    System.out.println("baseline broadcast server on 127.0.0.1:" + port + ", " + loops + " event loops, native transport "
      + vertx.isNativeTransportEnabled());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // exiting anyway
      }
    }));
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<Buffer>localConsumer(FANOUT, this::fanOut);
    return vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(65536))
      .webSocketHandler(this::accept)
      .requestHandler(this::health)
      .listen(port, "127.0.0.1");
  }

  private void health(HttpServerRequest request) {
    if (request.path().equals("/health")) {
      request.response().putHeader("content-type", "application/json").end("{\"status\":\"UP\",\"clusterSize\":1}");
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void accept(ServerWebSocket ws) {
    if (!ws.path().equals("/eventbus/websocket")) {
      ws.close((short) 1008, "no such endpoint");
      return;
    }
    List<String> registered = new ArrayList<>();
    ws.textMessageHandler(text -> onFrame(ws, registered, new JsonObject(text)));
    ws.closeHandler(v -> registered.forEach(address -> leave(address, ws)));
    ws.exceptionHandler(err -> { });
  }

  private void onFrame(ServerWebSocket ws, List<String> registered, JsonObject frame) {
    switch (frame.getString("type", "")) {
      case "register" -> {
        String address = frame.getString("address");
        registered.add(address);
        rooms.computeIfAbsent(address, a -> new LinkedHashSet<>()).add(ws);
        ws.writeBinaryMessage(new JsonObject().put("type", "event").put("event", "registered")
          .put("message", new JsonObject().put("address", address)).toBuffer());
      }
      case "send" -> send(ws, frame);
      default -> {
      }
    }
  }

  private void send(ServerWebSocket ws, JsonObject frame) {
    JsonObject body = frame.getJsonObject("body");
    String room = body.getString("room");
    JsonObject message = new JsonObject().put("id", IDS.incrementAndGet()).put("room", room).put("sender", "bench")
      .put("text", body.getString("text")).put("ts", System.currentTimeMillis());
    String address = "chat.room." + room;
    // the one encode of this message: every socket on every event loop gets these bytes
    Buffer delivery = new JsonObject().put("type", "rec").put("address", address).put("body", message).toBuffer();
    vertx.eventBus().publish(FANOUT, delivery, new DeliveryOptions().addHeader("address", address));
    String replyAddress = frame.getString("replyAddress");
    if (replyAddress != null) {
      ws.writeBinaryMessage(new JsonObject().put("type", "rec").put("address", replyAddress).put("body", message)
        .toBuffer());
    }
  }

  private void fanOut(Message<Buffer> message) {
    Set<ServerWebSocket> members = rooms.get(message.headers().get("address"));
    if (members == null) {
      return;
    }
    Buffer frame = message.body();
    List<ServerWebSocket> tooSlow = null;
    for (ServerWebSocket ws : members) {
      if (ws.writeQueueFull()) {
        (tooSlow == null ? tooSlow = new ArrayList<>() : tooSlow).add(ws);
      } else {
        ws.writeBinaryMessage(frame);
      }
    }
    if (tooSlow != null) {
      tooSlow.forEach(ws -> {
        members.remove(ws);
        ws.close((short) 1008, "too slow");
      });
    }
  }

  private void leave(String address, ServerWebSocket ws) {
    Set<ServerWebSocket> members = rooms.get(address);
    if (members != null) {
      members.remove(ws);
    }
  }
}
