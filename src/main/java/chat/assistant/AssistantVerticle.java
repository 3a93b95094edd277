package chat.assistant;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.config.ChatConfig;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The built-in assistant (issue 19): a bot made at the first start of any node and run by every node that has
 * bots.assistant, which talks to the chat only as an outside bot does, over the public bot API: its commands set
 * with its token over HTTP, its socket on the bridge, its answers {@code chat.send}s. /help lists every bot's
 * commands, /who who is online in the room, /poll posts a poll, /remind stores a reminder that fires once in the
 * cluster ({@link Reminders}).
 *
 * <p>Every node's assistant hears every command (a bot's notices go to all its sockets); the first to claim the
 * command's id in the cluster's shared map answers it, so a command is answered once whichever nodes are up.
 */
public class AssistantVerticle extends VerticleBase {

  public static final String NAME = "assistant";
  private static final Logger LOG = LoggerFactory.getLogger(AssistantVerticle.class);
  private static final long FIRE_EVERY_MS = 1000;
  private static final long CLAIM_KEPT_MS = 10 * 60_000;
  private static final String CLAIMS = "chat.assistant.commands";
  private static final int MAX_TEXT = 2000;
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM yyyy 'at' HH:mm z", Locale.ENGLISH);
  private static final JsonArray COMMANDS = new JsonArray(List.of(
    command("help", "lists every command you can use here", "/help"),
    command("who", "who is online in this room", "/who"),
    command("poll", "a poll everyone here votes on", PollArgs.USAGE),
    command("remind", "reminds you privately at a time", When.USAGE)));

  private final ChatConfig config;
  private final int httpPort;
  private final String claimer = UUID.randomUUID().toString();
  private ReconnectingPool db;
  private Reminders reminders;
  private BotHttp http;
  private BotSocket socket;
  private long firing = -1;
  private boolean firingNow;

  public AssistantVerticle(ChatConfig config, int httpPort) {
    this.config = config;
    this.httpPort = httpPort;
  }

  /** Its account, its commands, its socket, then its reminders; a node without an assistant still serves. */
  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "assistant");
    reminders = new Reminders(db);
    return account()
      .compose(token -> {
        clients(token);
        return commandsSet();
      })
      .compose(v -> socket.open())
      .onSuccess(v -> {
        firing = vertx.setPeriodic(FIRE_EVERY_MS, id -> fireDue());
        LOG.info("the assistant is running on this node");
      })
      .recover(err -> {
        LOG.warn("the assistant is not running on this node: {}", err.getMessage());
        return Future.succeededFuture();
      });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(firing);
    return Future.join(socket == null ? Future.succeededFuture() : socket.close(),
      http == null ? Future.succeededFuture() : http.close()).eventually(() -> db.close());
  }

  private Future<String> account() {
    return vertx.eventBus().<JsonObject>request(Addresses.BOT_BUILTIN, new JsonObject().put("name", NAME)
        .put("description", "the chat's own assistant: " + COMMANDS.stream()
          .map(c -> "/" + ((JsonObject) c).getString("name")).collect(Collectors.joining(", "))))
      .map(reply -> reply.body().getString("token"));
  }

  /**
   * Its HTTP client and bridge socket, with its token, on its node's own HTTP listener, over TLS when the node
   * serves TLS (its own certificate, so not checked).
   */
  private void clients(String token) {
    String host = config.http().host().equals("0.0.0.0") || config.http().host().equals("::") ? "127.0.0.1"
      : config.http().host();
    boolean tls = config.http().tls().isPresent();
    http = new BotHttp(vertx, new HttpClientOptions().setSsl(tls).setTrustAll(tls).setVerifyHost(false), host,
      httpPort, token);
    socket = new BotSocket(vertx, new WebSocketClientOptions().setSsl(tls).setTrustAll(tls).setVerifyHost(false),
      new WebSocketConnectOptions().setHost(host).setPort(httpPort).setURI("/eventbus/websocket").setSsl(tls)
        .addHeader("Authorization", "Bearer " + token),
      Addresses.user(NAME), this::onNotice);
  }

  private Future<Void> commandsSet() {
    return http.call(HttpMethod.PUT, "/api/bots/" + NAME + "/commands", COMMANDS).mapEmpty();
  }

  private void onNotice(JsonObject notice) {
    if (!"command".equals(notice.getString("type")) || notice.getString("id") == null) {
      return;
    }
    vertx.sharedData().<String, String>getAsyncMap(CLAIMS)
      .compose(claims -> claims.putIfAbsent(notice.getString("id"), claimer, CLAIM_KEPT_MS))
      .onSuccess(holder -> {
        if (holder == null) {
          answer(notice.getString("command"), notice.getString("args", ""), notice.getString("room"),
            notice.getString("user"), notice.getString("id"));
        }
      })
      .onFailure(err -> LOG.warn("command {} not claimed: {}", notice.getString("id"), err.getMessage()));
  }

  private void answer(String command, String args, String room, String user, String id) {
    Future<?> answered = switch (command) {
      case "help" -> help(room, user);
      case "who" -> who(room, user);
      case "poll" -> poll(room, user, args, id);
      case "remind" -> remind(room, user, args);
      default -> Future.succeededFuture();
    };
    answered.onFailure(err -> LOG.warn("/{} of {} not answered: {}", command, user, err.getMessage()));
  }

  private Future<?> help(String room, String user) {
    return http.call(HttpMethod.GET, "/api/commands", null).compose(answer -> {
      JsonArray commands = ((JsonObject) answer).getJsonArray("commands");
      String lines = commands.stream().map(c -> (JsonObject) c)
        .map(c -> c.getString("usage") + " — " + c.getString("description")
          + (NAME.equals(c.getString("bot")) ? "" : " (" + c.getString("bot") + ")"))
        .collect(Collectors.joining("\n"));
      return tell(room, user, "Commands you can use here:\n" + lines);
    });
  }

  private Future<?> who(String room, String user) {
    return http.call(HttpMethod.GET, "/api/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/online", null)
      .compose(answer -> {
        JsonObject online = (JsonObject) answer;
        List<String> names = online.getJsonArray("online").stream().map(String.class::cast).toList();
        int more = online.getInteger("total") - names.size();
        return tell(room, user, "Online here (" + online.getInteger("total") + "): " + String.join(", ", names)
          + (more > 0 ? " and " + more + " more" : ""));
      });
  }

  /** Posted under a cid made from the command's id: a second try of it stores nothing more. */
  private Future<?> poll(String room, String user, String args, String id) {
    PollArgs.Poll poll;
    try {
      poll = PollArgs.parse(args);
    } catch (IllegalArgumentException usage) {
      return tell(room, user, usage.getMessage());
    }
    return socket.request(Addresses.SEND, new JsonObject().put("room", room).put("text", poll.question())
        .put("poll", new JsonArray(poll.options())).put("cid", "poll-" + id))
      .recover(refused -> refused(refused) ? tell(room, user, "No poll: " + refused.getMessage())
        : Future.failedFuture(refused));
  }

  private Future<?> remind(String room, String user, String args) {
    When.Reminder asked;
    try {
      asked = When.parse(args, Instant.now(), config.bots().timeZone());
    } catch (IllegalArgumentException usage) {
      return tell(room, user, "No reminder: " + usage.getMessage());
    }
    return reminders.add(user, room, cut(asked.text()), asked.due().toEpochMilli()).compose(added -> tell(room, user,
      added ? "I will remind you privately on " + WHEN.format(asked.due().atZone(config.bots().timeZone())) + ": "
        + asked.text()
        : "No reminder: you have " + Reminders.MAX_PER_USER + " waiting already"));
  }

  /** The due reminders this node claims, each posted then marked fired; one round at a time. */
  private void fireDue() {
    if (firingNow) {
      return;
    }
    firingNow = true;
    reminders.claimDue(System.currentTimeMillis())
      .compose(due -> Future.join(due.stream().map(reminder -> deliver(reminder)
        .compose(delivered -> reminders.fired(reminder))
        .onFailure(err -> LOG.warn("reminder {} not delivered yet, tried again later: {}", reminder.id(),
          err.getMessage()))).toList()))
      .onComplete(done -> firingNow = false);
  }

  /**
   * In the private room of the user and the assistant, under the reminder's cid. A user who takes private messages
   * from contacts only is told in the room they asked in, if they are there; a socket down or a busy node leaves it
   * for the next round.
   */
  private Future<Void> deliver(Reminders.Reminder reminder) {
    String text = "⏰ Reminder: " + reminder.text();
    return socket.request(Addresses.SEND, new JsonObject().put("room", RoomId.between(reminder.user(), NAME).id())
        .put("text", text).put("cid", reminder.cid()))
      .<Void>mapEmpty()
      .recover(err -> !refused(err) ? Future.failedFuture(err)
        : tell(reminder.room(), reminder.user(), text).<Void>mapEmpty().recover(alsoRefused -> {
          LOG.warn("reminder {} could not reach {}: {}", reminder.id(), reminder.user(), alsoRefused.getMessage());
          return refused(alsoRefused) ? Future.succeededFuture() : Future.failedFuture(alsoRefused);
        }));
  }

  /** An ephemeral reply: only this user sees it. */
  private Future<JsonObject> tell(String room, String user, String text) {
    return socket.request(Addresses.SEND, new JsonObject().put("room", room).put("text", cut(text)).put("to", user));
  }

  /** The chat said no (400, 403, 404): a try again would get the same. */
  private static boolean refused(Throwable err) {
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      && reply.failureCode() >= 400 && reply.failureCode() < 500 && reply.failureCode() != 429;
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }

  private static JsonObject command(String name, String description, String usage) {
    return new JsonObject().put("name", name).put("description", description).put("usage", usage);
  }
}
