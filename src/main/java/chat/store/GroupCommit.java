package chat.store;

import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.NewMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * Inserts messages in shared transactions: while one commit is on its way to disk, the messages that arrive
 * queue up and go together in the next one, so many messages share one fsync. Each message's future still
 * completes only after its own commit, so a reply keeps meaning "stored". Used from one event loop only.
 */
final class GroupCommit {

  static final int MAX_BATCH = 256;

  private record Pending(NewMessage message, Promise<ChatMessage> stored) {
  }

  private final ReconnectingPool db;
  private final Dialect dialect;
  private List<Pending> queue = new ArrayList<>();
  private boolean committing;

  GroupCommit(ReconnectingPool db, Dialect dialect) {
    this.db = db;
    this.dialect = dialect;
  }

  Future<ChatMessage> insert(NewMessage message) {
    Promise<ChatMessage> stored = Promise.promise();
    queue.add(new Pending(message, stored));
    if (!committing) {
      commitNext();
    }
    return stored.future();
  }

  private void commitNext() {
    if (queue.isEmpty()) {
      committing = false;
      return;
    }
    committing = true;
    List<Pending> batch = queue.size() <= MAX_BATCH ? queue : new ArrayList<>(queue.subList(0, MAX_BATCH));
    queue = queue.size() <= MAX_BATCH ? new ArrayList<>() : new ArrayList<>(queue.subList(MAX_BATCH, queue.size()));
    long ts = System.currentTimeMillis();
    db.use(pool -> pool.withConnection(conn -> insertAll(conn, batch, ts)))
      .onSuccess(ids -> {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).stored().complete(stored(batch.get(i).message(), ids.get(i), ts));
        }
      })
      .recover(err -> batch.size() == 1 || Failure.code(err) == Failure.UNAVAILABLE
        ? fail(batch, err)
        // one message spoiled the batch (a cid stored meanwhile): give every message its own transaction
        : alone(batch, ts))
      .onComplete(done -> commitNext());
  }

  private static Future<List<Long>> fail(List<Pending> batch, Throwable err) {
    batch.forEach(pending -> pending.stored().fail(err));
    return Future.succeededFuture();
  }

  private Future<List<Long>> alone(List<Pending> batch, long ts) {
    Future<List<Long>> chain = Future.succeededFuture();
    for (Pending pending : batch) {
      chain = chain.compose(v -> db.use(pool -> pool.withConnection(conn -> insertAll(conn, List.of(pending), ts)))
        .onSuccess(ids -> pending.stored().complete(stored(pending.message(), ids.get(0), ts)))
        .onFailure(pending.stored()::fail)
        .otherwiseEmpty());
    }
    return chain;
  }

  private static ChatMessage stored(NewMessage m, long id, long ts) {
    return new ChatMessage(id, m.room(), m.sender(), m.text(), ts);
  }

  /**
   * The whole batch as one multi-row INSERT in autocommit: one statement, so one commit and one fsync, with ids
   * in row order (how each database reports them is in {@link Dialect}). withTransaction is avoided:
   * vertx-jdbc-client 5.0.7 hands the connection back to the pool with autocommit still off (#356).
   */
  private Future<List<Long>> insertAll(SqlConnection conn, List<Pending> batch, long ts) {
    List<Object> values = new ArrayList<>(batch.size() * 5);
    for (Pending pending : batch) {
      NewMessage m = pending.message();
      values.addAll(List.of(m.room(), m.sender(), m.text(), ts));
      values.add(m.cid());
    }
    return dialect.insertMessages(conn, values, batch.size());
  }
}
