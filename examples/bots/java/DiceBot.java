import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An example bot for the chat server, run as an outside program with vertx-core alone on its class path:
 *
 * <pre>CHAT_URL=http://127.0.0.1:8080 BOT_TOKEN=chatbot_... java -cp "$VERTX_CORE_AND_DEPS" DiceBot.java</pre>
 *
 * It learns its name from GET /api/me, registers /roll with PUT /api/bots/&lt;name&gt;/commands, opens the event
 * bus bridge at /eventbus/websocket with its token, listens on chat.user.&lt;name&gt; for commands, answers /roll in
 * the room, and a bad argument with a usage line only the person who typed it sees. When the socket closes it
 * connects again, waiting 1 s, 2 s, 4 s … up to 30 s between tries. A refused token ends it (exit status 2).
 */
public class DiceBot extends VerticleBase {

  static final String COMMAND = "roll";
  static final String USAGE = "usage: /roll [NdM], e.g. /roll 2d6: 1 to 100 dice of 2 to 1000 sides (default 1d6)";
  static final Pattern DICE = Pattern.compile("(\\d{1,3})?[dD](\\d{1,4})");
  /** The bridge closes a socket that sent nothing for 10 s. */
  static final long PING_MILLIS = 5_000;
  static final long MAX_BACKOFF_MILLIS = 30_000;

  public static void main(String[] args) {
    URI chat = URI.create(required("CHAT_URL"));
    String token = required("BOT_TOKEN");
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new DiceBot(chat, token)).onFailure(err -> {
      log("could not start: " + err.getMessage());
      System.exit(1);
    });
  }

  private final URI chat;
  private final String token;
  private HttpClient http;
  private WebSocketClient webSockets;
  /** Requests sent on the socket and not answered yet, by reply address. */
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
  private String name;
  private long backoffMillis = 1_000;

  DiceBot(URI chat, String token) {
    this.chat = chat;
    this.token = token;
  }

  @Override
  public Future<?> start() {
    http = vertx.createHttpClient();
    webSockets = vertx.createWebSocketClient();
    connect();
    return Future.succeededFuture();
  }

  /** Who am I, my commands, then the socket: run again from the top after every close. */
  private void connect() {
    whoAmI()
      .compose(this::registerCommands)
      .compose(v -> openSocket())
      .onSuccess(this::listen)
      .onFailure(this::retryOrStop);
  }

  private Future<String> whoAmI() {
    return api(HttpMethod.GET, "/api/me", null).map(me -> me.getString("username")).onSuccess(me -> name = me);
  }

  private Future<JsonObject> registerCommands(String me) {
    JsonArray commands = new JsonArray().add(new JsonObject().put("name", COMMAND)
      .put("description", "rolls dice and says the result in the room").put("usage", "/roll [NdM]"));
    return api(HttpMethod.PUT, "/api/bots/" + me + "/commands", commands.encode());
  }

  private Future<WebSocket> openSocket() {
    return webSockets.connect(new WebSocketConnectOptions().setHost(chat.getHost()).setPort(port())
      .setSsl(secure()).setURI("/eventbus/websocket").addHeader("Authorization", "Bearer " + token));
  }

  private void listen(WebSocket socket) {
    backoffMillis = 1_000;
    String inbox = "chat.user." + name.toLowerCase();
    long pings = vertx.setPeriodic(PING_MILLIS, id -> socket.writeTextMessage("{\"type\":\"ping\"}"));
    // handler, not textMessageHandler: the bridge's raw socket sends its JSON in binary frames
    socket.handler(data -> onFrame(socket, inbox, data.toJsonObject()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(pings);
      failPending("the socket closed");
      log("socket closed (" + socket.closeStatusCode() + " " + socket.closeReason() + ")");
      retryLater();
    });
    socket.writeTextMessage(new JsonObject().put("type", "register").put("address", inbox).encode());
  }

  private void onFrame(WebSocket socket, String inbox, JsonObject frame) {
    String type = frame.getString("type", "");
    String address = frame.getString("address");
    if ("event".equals(type) && "registered".equals(frame.getString("event"))) {
      log("listening on " + inbox + " as " + name);
    } else if ("rec".equals(type) && inbox.equals(address)) {
      onNotice(socket, frame.getJsonObject("body"));
    } else if (address != null && pending.containsKey(address)) {
      Promise<JsonObject> answer = pending.remove(address);
      if ("err".equals(type)) {
        answer.fail(frame.getInteger("failureCode", -1) + " " + frame.getString("message"));
      } else {
        answer.complete(frame.getJsonObject("body"));
      }
    } else if ("err".equals(type)) {
      log("the bridge refused a frame: " + frame.encode());
    }
  }

  /** Commands come as {type: "command", command, args, room, user, id}; other notices are not ours to answer. */
  private void onNotice(WebSocket socket, JsonObject notice) {
    if (!"command".equals(notice.getString("type")) || !COMMAND.equals(notice.getString("command"))) {
      return;
    }
    String room = notice.getString("room");
    String user = notice.getString("user");
    log("/" + COMMAND + " from " + user + " in " + room);
    String answer = roll(user, notice.getString("args", ""));
    JsonObject send = answer == null
      ? new JsonObject().put("room", room).put("text", USAGE).put("to", user)
      : new JsonObject().put("room", room).put("text", answer);
    request(socket, "chat.send", send)
      .onFailure(err -> log("chat.send to " + room + " refused: " + err.getMessage()));
  }

  /** "alice rolled 2d6: 3 + 5 = 8", or null when the argument is no roll this bot makes. */
  static String roll(String user, String args) {
    Matcher dice = DICE.matcher(args.isBlank() ? "1d6" : args.strip());
    if (!dice.matches()) {
      return null;
    }
    int count = dice.group(1) == null ? 1 : Integer.parseInt(dice.group(1));
    int sides = Integer.parseInt(dice.group(2));
    if (count < 1 || count > 100 || sides < 2 || sides > 1000) {
      return null;
    }
    List<String> faces = new ArrayList<>();
    int total = 0;
    for (int i = 0; i < count; i++) {
      int face = ThreadLocalRandom.current().nextInt(1, sides + 1);
      faces.add(String.valueOf(face));
      total += face;
    }
    String shown = count == 1 ? "" : count <= 10 ? String.join(" + ", faces) + " = " : "";
    return user + " rolled " + count + "d" + sides + ": " + shown + total;
  }

  /** A bridge request: the reply's body, or a failure "code message". */
  private Future<JsonObject> request(WebSocket socket, String address, JsonObject body) {
    String replyAddress = UUID.randomUUID().toString();
    Promise<JsonObject> answer = Promise.promise();
    pending.put(replyAddress, answer);
    socket.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body)
      .put("replyAddress", replyAddress).encode())
      .onFailure(err -> {
        if (pending.remove(replyAddress) != null) {
          answer.fail(err);
        }
      });
    return answer.future();
  }

  private void failPending(String why) {
    List<Promise<JsonObject>> unanswered = new ArrayList<>(pending.values());
    pending.clear();
    unanswered.forEach(answer -> answer.fail(why));
  }

  /** The API with the bot's token: the JSON answer of a 2xx, else a failure carrying the status. */
  private Future<JsonObject> api(HttpMethod method, String path, String body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(chat.getHost()).setPort(port())
      .setSsl(secure()).setURI(path).putHeader("Authorization", "Bearer " + token);
    if (body != null) {
      options.putHeader("Content-Type", "application/json");
    }
    return http.request(options)
      .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
      .compose(response -> response.body().compose(answer -> response.statusCode() / 100 == 2
        ? Future.succeededFuture(answer.length() == 0 ? new JsonObject() : answer.toJsonObject())
        : Future.failedFuture(new ApiRefusal(method + " " + path, response.statusCode(), answer.toString()))));
  }

  /** A 4xx but 429 will not change by asking again (a wrong token, a name another bot holds): stop and say so. */
  private void retryOrStop(Throwable err) {
    if (err instanceof ApiRefusal refusal && refusal.status / 100 == 4 && refusal.status != 429) {
      log("giving up: " + refusal.getMessage());
      vertx.close().onComplete(v -> System.exit(2));
      return;
    }
    log("could not connect: " + err.getMessage());
    retryLater();
  }

  private void retryLater() {
    long wait = backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    log("connecting again in " + wait + " ms");
    vertx.setTimer(wait, id -> connect());
  }

  static final class ApiRefusal extends RuntimeException {
    final int status;

    ApiRefusal(String call, int status, String body) {
      super(call + " answered " + status + " " + body);
      this.status = status;
    }
  }

  private boolean secure() {
    return "https".equals(chat.getScheme());
  }

  private int port() {
    return chat.getPort() != -1 ? chat.getPort() : secure() ? 443 : 80;
  }

  private static String required(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      System.err.println("DiceBot: set " + variable + " (CHAT_URL=http://127.0.0.1:8080 BOT_TOKEN=chatbot_...)");
      System.exit(1);
    }
    return value;
  }

  static void log(String line) {
    System.out.println(LocalTime.now() + " dicebot: " + line);
  }
}
