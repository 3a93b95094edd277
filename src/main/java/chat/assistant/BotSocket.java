package chat.assistant;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A bot's socket on the bridge, as any outside bot opens it: {@code /eventbus/websocket} with its bearer token,
 * the SockJS bridge's JSON frames, a ping every 5 s (the bridge closes a silent socket after 10), one address
 * registered for the bot's notices, requests with a reply address each. Opened again after it closes, waiting
 * longer each time up to half a minute, until {@link #close}.
 */
final class BotSocket {

  private static final Logger LOG = LoggerFactory.getLogger(BotSocket.class);
  private static final long PING_MS = 5000;
  private static final long REQUEST_TIMEOUT_MS = 10_000;
  private static final long MAX_BACKOFF_MS = 30_000;

  private final Vertx vertx;
  private final WebSocketClient client;
  private final WebSocketConnectOptions connect;
  private final String listen;
  private final Consumer<JsonObject> onNotice;
  private final Map<String, Promise<JsonObject>> waiting = new HashMap<>();
  private WebSocket socket;
  private long backoffMs = 500;
  private boolean closed;

  BotSocket(Vertx vertx, WebSocketClientOptions options, WebSocketConnectOptions connect, String listen,
      Consumer<JsonObject> onNotice) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient(options);
    this.connect = connect;
    this.listen = listen;
    this.onNotice = onNotice;
  }

  /** Open, and registered for the bot's notices (the first time; later ones open in the background). */
  Future<Void> open() {
    return client.connect(connect).map(opened -> {
      socket = opened;
      backoffMs = 500;
      long ping = vertx.setPeriodic(PING_MS, id -> opened.writeTextMessage("{\"type\":\"ping\"}"));
      // the bridge writes its JSON in binary frames, so every frame is read, not only text ones
      opened.handler(frame -> onFrame(frame.toString()));
      opened.closeHandler(v -> {
        vertx.cancelTimer(ping);
        socket = null;
        failWaiting();
        reopenLater();
      });
      opened.writeTextMessage(new JsonObject().put("type", "register").put("address", listen).encode());
      return null;
    });
  }

  /** A request on the bridge: its reply's body, or a {@link ReplyException} with the failure's code and message. */
  Future<JsonObject> request(String address, JsonObject body) {
    WebSocket open = socket;
    if (open == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "the bot's socket is not open"));
    }
    String replyAddress = UUID.randomUUID().toString();
    Promise<JsonObject> reply = Promise.promise();
    waiting.put(replyAddress, reply);
    long timer = vertx.setTimer(REQUEST_TIMEOUT_MS, id -> {
      if (waiting.remove(replyAddress) != null) {
        reply.tryFail(new ReplyException(ReplyFailure.TIMEOUT, "no answer from " + address));
      }
    });
    open.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body)
      .put("replyAddress", replyAddress).encode());
    return reply.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  Future<Void> close() {
    closed = true;
    failWaiting();
    return client.close();
  }

  private void onFrame(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      return;
    }
    String address = frame.getString("address");
    Promise<JsonObject> reply = address == null ? null : waiting.remove(address);
    if (reply != null) {
      if ("err".equals(frame.getString("type"))) {
        reply.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, frame.getInteger("failureCode", -1),
          frame.getString("message")));
      } else {
        reply.tryComplete(frame.getValue("body") instanceof JsonObject body ? body : new JsonObject());
      }
    } else if (listen.equals(address) && "rec".equals(frame.getString("type"))
      && frame.getValue("body") instanceof JsonObject notice) {
      onNotice.accept(notice);
    }
  }

  private void failWaiting() {
    Map<String, Promise<JsonObject>> failed = new HashMap<>(waiting);
    waiting.clear();
    failed.values().forEach(promise -> promise.tryFail(new ReplyException(ReplyFailure.NO_HANDLERS, "socket closed")));
  }

  private void reopenLater() {
    if (closed) {
      return;
    }
    long wait = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    vertx.setTimer(wait, id -> {
      if (!closed) {
        open().onFailure(err -> {
          LOG.warn("bot socket {} could not open again: {}", listen, err.getMessage());
          reopenLater();
        });
      }
    });
  }
}
