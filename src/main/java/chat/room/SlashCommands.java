package chat.room;

import chat.access.RoomAccess;
import chat.bus.Addresses;
import chat.bus.BotCommand;
import chat.bus.Failure;
import chat.bus.Notices;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends that are not messages. A text "/name args" is a command: it goes to the bot that registered the name, on
 * the bot's own address (chat.user.&lt;bot&gt;) as {type: "command", command, args, room, user, id}, nothing is
 * stored, and the sender is answered {type: "command", id, command, bot} at once; a name nobody registered is 404
 * and so is a bot with no socket open anywhere ("… is offline"), and a bot that may not write in the room is 403, all
 * before anything is sent, so a user is never left waiting
 * for an answer that cannot come. A bot's send with {@code to} is an ephemeral reply: only that user's pages get
 * it, as {type: "ephemeral", room, sender, text, ts}, and nothing is stored.
 */
final class SlashCommands {

  /** "/name" alone or "/name args": a slash and a name with anything but a space after it is text ("/etc/x"). */
  private static final Pattern COMMAND = Pattern.compile("/(" + BotCommand.NAME + ")(?:\\s+(.*))?",
    Pattern.DOTALL);

  record Command(String name, String args) {
  }

  private final Vertx vertx;
  private final RoomAccess access;

  SlashCommands(Vertx vertx, RoomAccess access) {
    this.vertx = vertx;
    this.access = access;
  }

  /** The command a text is, or null when it is a message. */
  static Command parse(String text) {
    Matcher matcher = COMMAND.matcher(text);
    return matcher.matches() ? new Command(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2).strip())
      : null;
  }

  /**
   * The sender may write in the room (checked before): the command goes to its bot if that bot is there, on its
   * sockets and, when it polls instead (GET /api/bots/updates), stored for its next poll before the sender is
   * answered.
   */
  Future<JsonObject> deliver(String user, RoomId room, Command command, String cid) {
    return vertx.eventBus().<JsonObject>request(Addresses.BOT_COMMAND, new JsonObject().put("name", command.name()))
      .compose(found -> {
        BotCommand registered = BotCommand.fromJson(found.body());
        boolean polling = found.body().getBoolean("polling", false);
        return present(room, registered.bot(), command)
          .compose(v -> polling ? Future.succeededFuture(true) : online(registered.bot()))
          .compose(online -> online ? sent(user, room, command, cid, registered, polling)
            // 404, not 503: a 503 tells the page to send again, and an offline bot is not a busy server
            : Future.failedFuture(Failure.of(Failure.NOT_FOUND, registered.bot() + " is offline: /" + command.name()
              + " was not delivered")));
      });
  }

  /** A bot answers where it may write: one that is not in the room could not, so the user hears it now. */
  private Future<Void> present(RoomId room, String bot, Command command) {
    return (room.admits(bot) ? access.writable(room, bot) : Future.<Void>failedFuture("not in the room"))
      .recover(out -> Future.failedFuture(Failure.forbidden(bot + " is not in this room: /" + command.name()
        + " was not delivered")));
  }

  private Future<JsonObject> sent(String user, RoomId room, Command command, String cid, BotCommand registered,
      boolean polling) {
    // a resend of the same send (the page sends again under its cid when an answer is late) is the same command
    String id = cid == null ? UUID.randomUUID().toString()
      : UUID.nameUUIDFromBytes((RoomId.key(user) + "\0" + cid).getBytes(StandardCharsets.UTF_8)).toString();
    JsonObject update = new JsonObject().put("type", "command").put("command", registered.name())
      .put("args", command.args()).put("room", room.id()).put("user", user).put("id", id);
    Notices.tell(vertx.eventBus(), registered.bot(), update);
    Future<?> stored = !polling ? Future.succeededFuture()
      : vertx.eventBus().request(Addresses.BOT_UPDATE, new JsonObject().put("bot", registered.bot()).put("update", update));
    return stored.map(v -> new JsonObject().put("type", "command").put("id", id).put("command", registered.name())
      .put("bot", registered.bot()));
  }

  /** A bot's reply only one user sees: that user must be able to read the room, or it is 400 naming {@code to}. */
  Future<JsonObject> ephemeral(String bot, RoomId room, Object to, String text) {
    Throwable notHere = Failure.badRequest("to must be the name of a user in this room");
    if (!(to instanceof String user) || !RoomId.USERNAME.matcher(user).matches() || !room.admits(user)) {
      return Future.failedFuture(notHere);
    }
    return access.usable(room, user)
      .recover(err -> Future.failedFuture(notHere))
      .map(v -> {
        JsonObject reply = new JsonObject().put("type", "ephemeral").put("room", room.id()).put("sender", bot)
          .put("text", text).put("to", user).put("ts", System.currentTimeMillis());
        Notices.tell(vertx.eventBus(), user, reply);
        return reply;
      });
  }

  /** Whether the bot has a socket open on any node (the cluster's presence, which every node keeps). */
  private Future<Boolean> online(String bot) {
    return vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY,
        new JsonObject().put("users", new JsonArray(List.of(bot))))
      .map(answer -> answer.body().getJsonArray("users").stream().map(u -> (JsonObject) u)
        .anyMatch(u -> u.getBoolean("online", false)));
  }
}
