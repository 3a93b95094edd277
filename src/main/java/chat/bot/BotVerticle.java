package chat.bot;

import chat.bus.Addresses;
import chat.bus.BotAccount;
import chat.bus.BotCommand;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.bus.Service;
import chat.bus.UserAction;
import chat.config.ChatConfig;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Owns the bots table, and a bot's row in users: bots made, listed, given a new token and deleted by their owner
 * ({@link Addresses#bots}), and a request's token turned into its bot ({@link Addresses#BOT_AUTHENTICATE}). A bot
 * is a user without a password, so its messages, rooms and limits are a person's; what a bot may not do that a
 * person may (manage bots, change a profile) the HTTP API refuses.
 */
public class BotVerticle extends VerticleBase {

  static final int DESCRIPTION_MAX = 200;

  private final ChatConfig config;
  private ReconnectingPool db;
  /**
   * Each owner's creations on this node, one after the other. The count check after the insert keeps the limit
   * across nodes, but creations at once each count the others' rows too and can all be taken back: CI saw 20 at
   * once all refused, with room left for 3.
   */
  private final Map<String, Future<?>> creating = new HashMap<>();

  public BotVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "bots");
    BotUpdates updates = new BotUpdates(vertx, db);
    vertx.setPeriodic(60 * 60_000L, id -> updates.dropOld());
    return Future.all(List.of(
      Service.serve(vertx, Addresses.BOT_UPDATE, updates::add),
      Service.serve(vertx, Addresses.BOT_UPDATES, updates::after),
      Service.serve(vertx, Addresses.BOT_KEYS, body -> updates.liveBots()),
      action("create", action -> oneAtATime(RoomId.key(action.user()), () -> create(action)).map(BotAccount::toJson)),
      action("list", this::list),
      action("token", action -> rotate(action).map(BotAccount::toJson)),
      action("delete", this::delete),
      action("set-commands", this::setCommands),
      Service.serve(vertx, Addresses.BOT_COMMAND, body -> command(body.getString("name"))),
      Service.serve(vertx, Addresses.BOT_COMMANDS, body -> db.query(BotSql.ALL_COMMANDS, Tuple.tuple())
        .map(rows -> commands(rows))),
      Service.serve(vertx, Addresses.BOT_AUTHENTICATE, body -> authenticate(body.getString("token"))
        .map(BotAccount::toJson)),
      Service.serve(vertx, Addresses.BOT_BUILTIN, this::builtin)));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private <T> Future<T> oneAtATime(String ownerKey, Supplier<Future<T>> work) {
    Future<?> before = creating.getOrDefault(ownerKey, Future.succeededFuture());
    Future<T> mine = before.transform(done -> work.get());
    creating.put(ownerKey, mine);
    mine.onComplete(done -> creating.remove(ownerKey, mine));
    return mine;
  }

  private Future<Void> action(String name, Function<UserAction, Future<JsonObject>> handler) {
    return Service.serveAction(vertx, Addresses.bots(name), handler);
  }

  /**
   * The bot's row in users first, so that its name is taken or refused (409) by the same unique key as a person's;
   * then its own row; then the owner's count, so that racing creations never leave more than the limit (one over
   * it is taken back). Without transactions (see {@code GroupCommit#insertAll}), a failed step undoes the ones before.
   */
  private Future<BotAccount> create(UserAction action) {
    String name = action.target();
    String description = action.args().getValue("description") == null ? "" : action.arg("description");
    if (name == null || !RoomId.USERNAME.matcher(name).matches()) {
      return Future.failedFuture(Failure.field("name", "2 to 20 letters, digits, _ or -"));
    }
    if (RoomId.RESERVED_NAMES.contains(RoomId.key(name))) {
      return Future.failedFuture(Failure.field("name", "reserved"));
    }
    if (description == null || description.length() > DESCRIPTION_MAX) {
      return Future.failedFuture(Failure.field("description", "text of at most " + DESCRIPTION_MAX + " characters"));
    }
    String key = RoomId.key(name);
    String ownerKey = RoomId.key(action.user());
    String token = BotTokens.create();
    long now = System.currentTimeMillis();
    return db.query(BotSql.IS_BOT, Tuple.of(ownerKey))
      .compose(owner -> owner.size() > 0 ? Future.<Boolean>failedFuture(Failure.forbidden("a bot cannot own bots"))
        : db.insertIfAbsent(BotSql.INSERT_BOT_USER, Tuple.of(key, name, "bot:" + key, now)))
      .compose(inserted -> inserted ? Future.<Void>succeededFuture()
        : Future.<Void>failedFuture(Failure.of(Failure.CONFLICT, "name: taken")))
      .compose(v -> db.query(BotSql.INSERT_BOT, Tuple.of(key, ownerKey, description, BotTokens.hash(token), now))
        .recover(err -> undo(key, false).transform(undone -> Future.<RowSet<Row>>failedFuture(err))))
      .compose(v -> db.query(BotSql.COUNT_OWNED, Tuple.of(ownerKey)))
      .compose(count -> count.iterator().next().getLong(0) <= config.bots().maxPerUser() ? Future.<Void>succeededFuture()
        : undo(key, true).transform(undone -> Future.<Void>failedFuture(Failure.forbidden(
          "at most " + config.bots().maxPerUser() + " bots per user"))))
      .compose(v -> owned(key, ownerKey))
      .onSuccess(bot -> vertx.eventBus().publish(Addresses.BOT_CREATED, key))
      .map(bot -> new BotAccount(bot.name(), bot.description(), bot.owner(), bot.created(), token));
  }

  /**
   * A bot of the server's own (the assistant), made by the first node to start and owned by itself, so no person
   * manages it: its token, the same for every node. Nodes starting at once race on the same two rows, each an
   * insert that only the first makes; all then read the token the first one stored. A name a person or a person's
   * bot has is not taken over: 409.
   */
  private Future<JsonObject> builtin(JsonObject asked) {
    String name = asked.getString("name");
    String key = RoomId.key(name);
    String token = BotTokens.create();
    long now = System.currentTimeMillis();
    Throwable taken = Failure.of(Failure.CONFLICT, name + " is someone else's name");
    return db.insertIfAbsent(BotSql.INSERT_BOT_USER, Tuple.of(key, name, "bot:" + key, now))
      .compose(v -> db.query(BotSql.EMAIL_KEY, Tuple.of(key)))
      .compose(user -> ("bot:" + key).equals(user.iterator().next().getString(0))
        ? db.insertIfAbsent(BotSql.INSERT_BUILTIN_BOT, Tuple.of(key, key, asked.getString("description"),
          BotTokens.hash(token), now, token))
        : Future.failedFuture(taken))
      .compose(v -> db.query(BotSql.BUILTIN_TOKEN, Tuple.of(key)))
      .compose(rows -> rows.size() == 0 || rows.iterator().next().getString(0) == null ? Future.failedFuture(taken)
        : Future.succeededFuture(new JsonObject().put("name", name).put("token", rows.iterator().next().getString(0))));
  }

  private Future<Void> undo(String key, boolean botRow) {
    return (botRow ? db.query(BotSql.DELETE_NEW_BOT, Tuple.of(key)) : Future.<RowSet<Row>>succeededFuture())
      .compose(v -> db.query(BotSql.DELETE_BOT_USER, Tuple.of(key))).mapEmpty();
  }

  private Future<JsonObject> list(UserAction action) {
    return db.query(BotSql.OWNED, Tuple.of(RoomId.key(action.user()))).map(rows -> {
      JsonArray bots = new JsonArray();
      rows.forEach(row -> bots.add(toBot(row).toJson()));
      return new JsonObject().put("bots", bots);
    });
  }

  /** A new token; the old one stops working at once (the next request with it is 401). */
  private Future<BotAccount> rotate(UserAction action) {
    String token = BotTokens.create();
    String key = RoomId.key(action.target());
    String ownerKey = RoomId.key(action.user());
    return db.query(BotSql.ROTATE, Tuple.of(BotTokens.hash(token), key, ownerKey))
      .compose(updated -> updated.rowCount() == 0 ? Future.<BotAccount>failedFuture(noSuchBot()) : owned(key, ownerKey))
      .onSuccess(bot -> tokenEnded(bot.name()))
      .map(bot -> new BotAccount(bot.name(), bot.description(), bot.owner(), bot.created(), token));
  }

  /** The token goes and the bot with it; its name stays taken (see V4__bots.sql). */
  private Future<JsonObject> delete(UserAction action) {
    return db.query(BotSql.DELETE, Tuple.of(RoomId.key(action.target()), RoomId.key(action.user())))
      .compose(updated -> updated.rowCount() == 0 ? Future.<JsonObject>failedFuture(noSuchBot())
        : db.query(BotSql.DELETE_COMMANDS, Tuple.of(RoomId.key(action.target()))).map(new JsonObject()))
      .onSuccess(deleted -> tokenEnded(action.target()));
  }

  /** Every node closes the bot's open sockets: they were opened with the token that no longer works. */
  private void tokenEnded(String bot) {
    vertx.eventBus().publish(Addresses.SESSIONS_END, new JsonObject().put("bot", bot));
  }

  private Future<BotAccount> owned(String key, String ownerKey) {
    return db.query(BotSql.ONE_OWNED, Tuple.of(key, ownerKey))
      .compose(rows -> rows.size() == 0 ? Future.<BotAccount>failedFuture(noSuchBot())
        : Future.succeededFuture(toBot(rows.iterator().next())));
  }

  private Future<BotAccount> self(String key) {
    return db.query(BotSql.ONE, Tuple.of(key))
      .compose(rows -> rows.size() == 0 ? Future.<BotAccount>failedFuture(noSuchBot())
        : Future.succeededFuture(toBot(rows.iterator().next())));
  }

  /** A token of the wrong shape is refused without a database read. */
  private Future<BotAccount> authenticate(String token) {
    if (token == null || !BotTokens.SHAPE.matcher(token).matches()) {
      return Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, "invalid token"));
    }
    return db.query(BotSql.BY_TOKEN, Tuple.of(BotTokens.hash(token)))
      .compose(rows -> rows.size() == 0 ? Future.<BotAccount>failedFuture(Failure.of(Failure.UNAUTHORIZED, "invalid token"))
        : Future.succeededFuture(toBot(rows.iterator().next())));
  }

  /**
   * The bot's whole list of commands, replaced: each name {@code [a-z0-9_-]{1,32}}, at most {@link #MAX_COMMANDS};
   * a name another bot holds is 409 and changes nothing. Without transactions, two owners racing for one name are
   * told apart by its primary key: the loser's insert fails, and its answer is the same 409.
   */
  private Future<JsonObject> setCommands(UserAction action) {
    List<BotCommand> asked;
    try {
      asked = commandsAsked(action.args().getValue("commands"));
    } catch (IllegalArgumentException bad) {
      return Future.failedFuture(Failure.field("commands", bad.getMessage()));
    }
    String key = RoomId.key(action.target());
    // the owner's, or the bot's own (the HTTP API lets a bot ask only for itself)
    Future<BotAccount> bot = key.equals(RoomId.key(action.user())) ? self(key) : owned(key, RoomId.key(action.user()));
    return bot
      .compose(owned -> heldByOthers(key, asked))
      .compose(held -> held.isEmpty() ? db.query(BotSql.DELETE_COMMANDS, Tuple.of(key))
        : Future.failedFuture(Failure.of(Failure.CONFLICT, "commands: /" + held.get(0) + " belongs to another bot")))
      .compose(cleared -> Future.all(asked.stream().map(command -> db.insertIfAbsent(BotSql.INSERT_COMMAND,
        Tuple.of(command.name(), key, command.description(), command.usage()))).toList()))
      // a name already there: another bot's, just taken, or this bot's own, written by a request of its own at the
      // same time (every node's assistant sets its list as the node starts)
      .compose(inserted -> !inserted.<Boolean>list().contains(false) ? Future.succeededFuture(List.<String>of())
        : heldByOthers(key, asked))
      .compose(held -> held.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(Failure.of(Failure.CONFLICT, "commands: /" + held.get(0) + " was just taken by another bot")))
      // the list just written, by name as GET /api/commands orders it
      .map(written -> new JsonObject().put("commands", new JsonArray(asked.stream()
        .sorted(java.util.Comparator.comparing(BotCommand::name))
        .map(command -> new BotCommand(command.name(), bot.result().name(), command.description(), command.usage())
          .toJson())
        .toList())));
  }

  private Future<List<String>> heldByOthers(String key, List<BotCommand> asked) {
    if (asked.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Object> args = new java.util.ArrayList<>();
    args.add(key);
    asked.forEach(command -> args.add(command.name()));
    return db.query(BotSql.COMMANDS_HELD_BY_OTHERS + BotSql.placeholders(asked.size()), Tuple.from(args)).map(rows -> {
      List<String> held = new java.util.ArrayList<>();
      rows.forEach(row -> held.add(row.getString(0)));
      return held;
    });
  }

  static final int MAX_COMMANDS = 20;
  static final java.util.regex.Pattern COMMAND_NAME = java.util.regex.Pattern.compile(BotCommand.NAME);

  private static List<BotCommand> commandsAsked(Object value) {
    if (!(value instanceof JsonArray array) || array.size() > MAX_COMMANDS) {
      throw new IllegalArgumentException("an array of at most " + MAX_COMMANDS + " {name, description, usage}");
    }
    List<BotCommand> commands = new java.util.ArrayList<>();
    for (Object entry : array) {
      if (!(entry instanceof JsonObject command) || !(command.getValue("name") instanceof String name)
        || !COMMAND_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("each needs a name of 1 to 32 of a-z, 0-9, _ or -");
      }
      String description = text(command.getValue("description"));
      String usage = text(command.getValue("usage"));
      if (description == null || usage == null) {
        throw new IllegalArgumentException("/" + name + ": description and usage are text of at most "
          + DESCRIPTION_MAX + " characters");
      }
      if (commands.stream().anyMatch(c -> c.name().equals(name))) {
        throw new IllegalArgumentException("/" + name + " is listed twice");
      }
      commands.add(new BotCommand(name, null, description, usage.isEmpty() ? "/" + name : usage));
    }
    return commands;
  }

  private static String text(Object value) {
    return value == null ? "" : value instanceof String s && s.length() <= DESCRIPTION_MAX ? s : null;
  }

  /** The command, and whether its bot polls for updates (it takes commands then, with no socket open). */
  private Future<JsonObject> command(String name) {
    if (name == null || !COMMAND_NAME.matcher(name).matches()) {
      return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such command"));
    }
    return db.query(BotSql.COMMAND, Tuple.of(name)).compose(rows -> rows.size() == 0
      ? Future.<JsonObject>failedFuture(Failure.of(Failure.NOT_FOUND, "no such command /" + name))
      : Future.succeededFuture(toCommand(rows.iterator().next()).toJson()
        .put("polling", BotUpdates.polling(rows.iterator().next().getLong(4)))));
  }

  private static JsonObject commands(RowSet<Row> rows) {
    JsonArray all = new JsonArray();
    rows.forEach(row -> all.add(toCommand(row).toJson()));
    return new JsonObject().put("commands", all);
  }

  private static BotCommand toCommand(Row row) {
    return new BotCommand(row.getString(0), row.getString(1), row.getString(2), row.getString(3));
  }

  /** Another owner's bot is no bot to this one: the same 404 as a name nobody has. */
  private static Throwable noSuchBot() {
    return Failure.of(Failure.NOT_FOUND, "no such bot");
  }

  private static BotAccount toBot(Row row) {
    return new BotAccount(row.getString(0), row.getString(1), row.getString(2), row.getLong(3), null);
  }
}
