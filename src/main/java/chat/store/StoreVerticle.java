package chat.store;

import chat.bus.Addresses;
import chat.bus.BridgeRequest;
import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.HistoryQuery;
import chat.bus.NewMessage;
import chat.bus.Saved;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Owns the messages table: saves accepted messages (committed before the reply, so a reply means durable)
 * and answers {@code chat.history} for browsers.
 */
public class StoreVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(StoreVerticle.class);

  private final ChatConfig config;
  private Pool pool;

  public StoreVerticle(ChatConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, config.db(), "store");
    return Database.migrate(pool, config.db())
      .compose(v -> Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_SAVE, this::onSave).completion(),
        vertx.eventBus().localConsumer(Addresses.STORE_HEALTH, this::onHealth).completion(),
        vertx.eventBus().localConsumer(Addresses.HISTORY, this::onHistory).completion()));
  }

  @Override
  public Future<?> stop() {
    return Database.shutdownIfEmbedded(pool, config.db()).eventually(() -> pool.close());
  }

  private void onSave(Message<JsonObject> request) {
    save(NewMessage.fromJson(request.body()))
      .onSuccess(saved -> request.reply(saved.toJson()))
      .onFailure(err -> Failure.reply(request, unavailable(err)));
  }

  private void onHealth(Message<Object> request) {
    pool.query(Sql.PING).execute()
      .onSuccess(ok -> request.reply(new JsonObject().put("db", "UP")))
      .onFailure(err -> request.fail(Failure.UNAVAILABLE, "database unavailable"));
  }

  private void onHistory(Message<Object> request) {
    Future.succeededFuture(request)
      .map(r -> HistoryQuery.from(BridgeRequest.of(r), config.rooms()))
      .compose(this::history)
      .onSuccess(messages -> request.reply(new JsonObject()
        .put("room", messages.room)
        .put("messages", messages.json)))
      .onFailure(err -> Failure.reply(request, unavailable(err)));
  }

  private record Page(String room, JsonArray json) {
  }

  Future<Saved> save(NewMessage message) {
    if (message.cid() == null) {
      return insert(message).map(stored -> new Saved(stored, false));
    }
    return findByCid(message).compose(existing -> existing != null
      ? Future.succeededFuture(new Saved(existing, true))
      : insert(message).map(stored -> new Saved(stored, false))
        // The same cid racing in from two sockets: the unique constraint lets one in, the other reads it.
        .recover(err -> findByCid(message).compose(again -> again != null
          ? Future.succeededFuture(new Saved(again, true))
          : Future.failedFuture(err))));
  }

  private Future<ChatMessage> insert(NewMessage message) {
    long ts = System.currentTimeMillis();
    return pool.withTransaction(conn -> conn.preparedQuery(Sql.INSERT_MESSAGE)
        .execute(Tuple.of(message.room(), message.sender(), message.text(), ts, message.cid()))
        .compose(inserted -> conn.query(Sql.LAST_ID).execute()))
      .map(rows -> new ChatMessage(rows.iterator().next().getLong(0), message.room(), message.sender(),
        message.text(), ts));
  }

  private Future<ChatMessage> findByCid(NewMessage message) {
    return pool.preparedQuery(Sql.MESSAGE_BY_CID)
      .execute(Tuple.of(message.sender(), message.cid()))
      .map(rows -> rows.size() == 0 ? null : toMessage(rows.iterator().next()));
  }

  private Future<Page> history(HistoryQuery query) {
    String room = query.room().id();
    Future<RowSet<Row>> rows = query.after() != null
      ? pool.preparedQuery(Sql.HISTORY_AFTER).execute(Tuple.of(room, query.after(), query.limit()))
      : pool.preparedQuery(Sql.HISTORY_BEFORE).execute(Tuple.of(room,
      query.before() == null ? Long.MAX_VALUE : query.before(), query.limit()));
    return rows.map(set -> {
      List<JsonObject> messages = new ArrayList<>();
      set.forEach(row -> messages.add(toMessage(row).toJson()));
      if (query.after() == null) {
        Collections.reverse(messages); // fetched newest first to take the newest page; clients want oldest first
      }
      return new Page(room, new JsonArray(new ArrayList<>(messages)));
    });
  }

  private static ChatMessage toMessage(Row row) {
    // by position: HSQLDB reports column labels in upper case, PostgreSQL in lower case
    return new ChatMessage(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4));
  }

  /** A database that fails is, to the client, a store that is unavailable: worth a retry, never a 500. */
  private static Throwable unavailable(Throwable err) {
    if (Failure.code(err) < Failure.INTERNAL) {
      return err;
    }
    LOG.warn("store failure: {}", err.toString());
    return Failure.of(Failure.UNAVAILABLE, "store unavailable, try again");
  }
}
