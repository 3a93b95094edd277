package chat.bench.client;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back what a room's history holds of one step's messages, as the page reads history after a reconnect:
 * {@code chat.history} requests over the bridge, on a socket of its own with one member's session, pages of 100
 * going back from the newest until the step's first message is passed. Paced under the per-user request budget
 * (a page of 100 costs 11 of 30 per second).
 */
public final class HistoryCheck {

  private static final Pattern STAMP = Pattern.compile("^p=(\\d+) s=(\\d+) q=(\\d+) ");
  private static final int PAGE = 100;
  private static final int MAX_PAGES = 200;
  private static final int MAX_BUSY_RETRIES = 5;

  /** How often history holds each of the step's messages (by {@link Ledger#key}), and how many pages it took. */
  public record Result(Map<Long, Integer> stored, int pages) {
  }

  private HistoryCheck() {
  }

  public static Result read(Vertx vertx, Conn member, int step) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setLocalAddress(member.localAddress).setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 24));
    WebSocketConnectOptions options = new WebSocketConnectOptions()
      .setHost("127.0.0.1").setPort(member.endpoint.port()).setURI("/eventbus/websocket");
    if (member.cookie != null) {
      options.addHeader("Cookie", member.cookie);
    }
    Map<String, Promise<JsonObject>> waiting = new ConcurrentHashMap<>();
    WebSocket ws = client.connect(options).await(30, TimeUnit.SECONDS);
    try {
      // the bridge's frames may come as text or as binary messages: take both, as the bench's clients do
      ws.handler(data -> {
        try {
          answer(waiting, new JsonObject(data));
        } catch (RuntimeException notJson) {
          // nothing this reader asked for
        }
      });
      Map<Long, Integer> stored = new HashMap<>();
      Long before = null;
      int pages = 0;
      while (pages < MAX_PAGES) {
        JsonObject body = new JsonObject().put("room", member.room).put("limit", PAGE);
        if (before != null) {
          body.put("before", before);
        }
        JsonArray messages = page(ws, waiting, body).getJsonArray("messages", new JsonArray());
        pages++;
        boolean passedStep = false;
        long oldest = Long.MAX_VALUE;
        for (int i = 0; i < messages.size(); i++) {
          JsonObject m = messages.getJsonObject(i);
          oldest = Math.min(oldest, m.getLong("id"));
          Matcher stamp = STAMP.matcher(m.getString("text", ""));
          if (!stamp.find()) {
            continue;
          }
          int p = Integer.parseInt(stamp.group(1));
          if (p == step) {
            stored.merge(Ledger.key(Integer.parseInt(stamp.group(2)), Integer.parseInt(stamp.group(3))), 1,
              Integer::sum);
          } else if (p < step) {
            passedStep = true;
          }
        }
        if (passedStep || messages.size() < PAGE) {
          break;
        }
        before = oldest;
        Thread.sleep(400);
      }
      return new Result(stored, pages);
    } finally {
      ws.close().await(10, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** One page, asked again after a pause when the server is busy (503) or the budget is spent (429). */
  private static JsonObject page(WebSocket ws, Map<String, Promise<JsonObject>> waiting, JsonObject body)
    throws Exception {
    for (int attempt = 0; ; attempt++) {
      String reply = UUID.randomUUID().toString();
      Promise<JsonObject> answer = Promise.promise();
      waiting.put(reply, answer);
      ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
      ws.writeTextMessage(new JsonObject().put("type", "send").put("address", "chat.history").put("body", body)
        .put("replyAddress", reply).encode());
      try {
        return answer.future().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        if (attempt >= MAX_BUSY_RETRIES || !(why.startsWith("429") || why.startsWith("503"))) {
          throw new IllegalStateException("history request " + body.encode() + " failed: " + why, e);
        }
        Thread.sleep(2000);
      } finally {
        waiting.remove(reply);
      }
    }
  }

  private static void answer(Map<String, Promise<JsonObject>> waiting, JsonObject frame) {
    Promise<JsonObject> answer = waiting.get(frame.getString("address", ""));
    if (answer == null) {
      return;
    }
    if ("err".equals(frame.getString("type"))) {
      answer.tryFail(frame.getValue("failureCode") + " " + frame.getString("message"));
    } else {
      answer.tryComplete(frame.getJsonObject("body", new JsonObject()));
    }
  }
}
