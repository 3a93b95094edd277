package chat.bot;

import chat.bus.Addresses;
import chat.bus.BotAccount;
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

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns the bots table, and a bot's row in users: bots made, listed, given a new token and deleted by their owner
 * ({@link Addresses#bots}), and a request's token turned into its bot ({@link Addresses#BOT_AUTHENTICATE}). A bot
 * is a user without a password, so its messages, rooms and limits are a person's; what a bot may not do that a
 * person may (manage bots, change a profile) the HTTP API refuses.
 */
public class BotVerticle extends VerticleBase {

  static final int DESCRIPTION_MAX = 200;
  /** Names that are paths of the bot API (/api/bots/messages): no bot may take them. */
  static final Set<String> RESERVED = Set.of("messages", "updates");

  private final ChatConfig config;
  private ReconnectingPool db;

  public BotVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "bots");
    return Future.all(List.of(
      action("create", action -> create(action).map(BotAccount::toJson)),
      action("list", this::list),
      action("token", action -> rotate(action).map(BotAccount::toJson)),
      action("delete", this::delete),
      Service.serve(vertx, Addresses.BOT_AUTHENTICATE, body -> authenticate(body.getString("token"))
        .map(BotAccount::toJson))));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private Future<Void> action(String name, Function<UserAction, Future<JsonObject>> handler) {
    return Service.serve(vertx, Addresses.bots(name), body -> handler.apply(UserAction.fromJson(body)));
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
    if (RESERVED.contains(RoomId.key(name))) {
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
      .map(bot -> new BotAccount(bot.name(), bot.description(), bot.owner(), bot.created(), token));
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
        : Future.succeededFuture(new JsonObject()))
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

  /** A token of the wrong shape is refused without a database read. */
  private Future<BotAccount> authenticate(String token) {
    if (token == null || !BotTokens.SHAPE.matcher(token).matches()) {
      return Future.failedFuture(Failure.of(Failure.UNAUTHORIZED, "invalid token"));
    }
    return db.query(BotSql.BY_TOKEN, Tuple.of(BotTokens.hash(token)))
      .compose(rows -> rows.size() == 0 ? Future.<BotAccount>failedFuture(Failure.of(Failure.UNAUTHORIZED, "invalid token"))
        : Future.succeededFuture(toBot(rows.iterator().next())));
  }

  /** Another owner's bot is no bot to this one: the same 404 as a name nobody has. */
  private static Throwable noSuchBot() {
    return Failure.of(Failure.NOT_FOUND, "no such bot");
  }

  private static BotAccount toBot(Row row) {
    return new BotAccount(row.getString(0), row.getString(1), row.getString(2), row.getLong(3), null);
  }
}
