package chat.bot;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;

/**
 * The updates of bots that poll instead of keeping a socket (GET /api/bots/updates): what would reach a bot's socket
 * on chat.user.&lt;bot&gt; that it must not miss (commands, private messages), stored in order; a poll returns those
 * after the id it has seen, and acknowledges (deletes) the ones up to it. Every insert is announced on
 * {@link Addresses#botUpdated}, where a waiting poll on any node hears it.
 */
final class BotUpdates {

  static final int MAX_PER_POLL = 100;
  /** A bot that has not polled for this long has its updates dropped. */
  static final long KEPT_MS = 24 * 60 * 60_000L;
  /** A bot that polled this recently counts as there for commands (a poll waits at most 60 s). */
  static final long POLLING_MS = 90_000;

  private final Vertx vertx;
  private final ReconnectingPool db;

  BotUpdates(Vertx vertx, ReconnectingPool db) {
    this.vertx = vertx;
    this.db = db;
  }

  /** {bot, update, ifPolling?} → {}; with ifPolling, a bot that does not poll is not kept anything. */
  Future<JsonObject> add(JsonObject asked) {
    String key = RoomId.key(asked.getString("bot"));
    Future<Boolean> polls = !asked.getBoolean("ifPolling", false) ? Future.succeededFuture(true)
      : db.query(BotSql.LAST_POLLED, Tuple.of(key))
        .map(rows -> rows.size() > 0 && polling(rows.iterator().next().getLong(0)));
    return polls.compose(keep -> !keep ? Future.succeededFuture()
        : db.query(BotSql.INSERT_UPDATE, Tuple.of(key, asked.getJsonObject("update").encode(), System.currentTimeMillis()))
          .onSuccess(inserted -> vertx.eventBus().publish(Addresses.botUpdated(key), null)))
      .map(new JsonObject());
  }

  /** {bot, after} → {updates: [{updateId, …the update}]}, the bot's poll marked and what it acknowledged deleted. */
  Future<JsonObject> after(JsonObject asked) {
    String key = RoomId.key(asked.getString("bot"));
    long after = asked.getLong("after");
    return db.query(BotSql.POLLED, Tuple.of(System.currentTimeMillis(), key))
      .compose(marked -> db.query(BotSql.ACKNOWLEDGED, Tuple.of(key, after)))
      .compose(deleted -> db.query(BotSql.UPDATES_AFTER, Tuple.of(key, after, MAX_PER_POLL)))
      .map(rows -> {
        JsonArray updates = new JsonArray();
        // its own field: a command's id is the command's
        rows.forEach(row -> updates.add(new JsonObject(row.getString(1)).put("updateId", row.getLong(0))));
        return new JsonObject().put("updates", updates);
      });
  }

  /** Every bot's name key, for the room owners that tell bots of private messages. */
  Future<JsonObject> liveBots() {
    return db.query(BotSql.LIVE_BOTS, Tuple.tuple()).map(rows -> {
      JsonArray keys = new JsonArray();
      rows.forEach(row -> keys.add(row.getString(0)));
      return new JsonObject().put("bots", keys);
    });
  }

  Future<Void> dropOld() {
    return db.query(BotSql.OLD_UPDATES, Tuple.of(System.currentTimeMillis() - KEPT_MS)).mapEmpty();
  }

  /** Whether a bot whose last poll was at {@code lastPolled} (null: never) takes commands by polling. */
  static boolean polling(Long lastPolled) {
    return lastPolled != null && System.currentTimeMillis() - lastPolled < POLLING_MS;
  }
}
