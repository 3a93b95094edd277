package chat.store;

import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.db.Dialect;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Inserts messages in shared transactions: while one commit is on its way to disk, the messages that arrive
 * queue up and go together in the next one, so many messages share one fsync. Each message's future still
 * completes only after its own commit, so a reply keeps meaning "stored". Used from one event loop only.
 *
 * <p>A message the database would refuse must not cost the others of its batch anything: what the store can see
 * (a value too long for its column, U+0000, which PostgreSQL refuses in any text) is refused before it joins a
 * batch, and a row the database refuses for a reason of its own (a resent cid, a constraint an operator added)
 * is found by halving, not by storing every message of the batch on its own.
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
    String unstorable = unstorable(message);
    if (unstorable != null) {
      return Future.failedFuture(Failure.badRequest(unstorable));
    }
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
    db.use(pool -> pool.withConnection(conn -> insert(conn, batch, ts)))
      // the database failed, not a row (a lost connection is a 503 by now): what was not stored fails with it
      .onFailure(err -> batch.forEach(pending -> pending.stored().tryFail(err)))
      .onComplete(done -> commitNext());
  }

  /**
   * The rows in one statement. When the database refuses it for a row's sake, it does not say which row: each half
   * goes again on its own, so a bad row fails alone after at most log2(rows) halvings, and the good rows go on in
   * their order in a few statements (at most that many per bad row), never one statement each.
   */
  private Future<Void> insert(SqlConnection conn, List<Pending> rows, long ts) {
    return insertAll(conn, rows, ts).<Void>map(ids -> {
      for (int i = 0; i < rows.size(); i++) {
        rows.get(i).stored().complete(stored(rows.get(i).message(), ids.get(i), ts));
      }
      return null;
    }).recover(err -> {
      String refused = refusedRow(err);
      if (refused == null) {
        return Future.failedFuture(err);
      }
      if (rows.size() == 1) {
        // a resent cid ends here too: the store answers it with the message stored before
        rows.get(0).stored().fail(Failure.badRequest("the database refused this message (SQLSTATE " + refused + ")"));
        return Future.succeededFuture();
      }
      int half = rows.size() / 2;
      return insert(conn, rows.subList(0, half), ts).compose(v -> insert(conn, rows.subList(half, rows.size()), ts));
    });
  }

  /**
   * The SQLSTATE of a failure that a row's values caused (class 22, data exception: a value too long, a byte
   * sequence the encoding refuses; class 23, integrity constraint violation: a duplicate cid, a check), or null
   * when the database failed as a whole (a lost connection, a full disk) and no row is to blame.
   */
  static String refusedRow(Throwable err) {
    for (Throwable cause = err; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        return state.startsWith("22") || state.startsWith("23") ? state : null;
      }
    }
    return null;
  }

  /**
   * Why the database would refuse this message, or null. Checked before the message joins a batch, where a
   * refused row would make the database refuse the statement of the whole batch. The sizes are the columns' in
   * {@link Sql}; U+0000 is refused on either database, so both keep the same messages.
   */
  static String unstorable(NewMessage m) {
    String problem = unstorable("room", m.room(), Sql.ROOM_SIZE);
    problem = problem != null ? problem : unstorable("sender", m.sender(), Sql.SENDER_SIZE);
    problem = problem != null ? problem : unstorable("text", m.text(), Sql.TEXT_SIZE);
    if (problem == null && m.cid() != null) {
      problem = unstorable("cid", m.cid(), Sql.CID_SIZE);
    }
    return problem;
  }

  private static String unstorable(String field, String value, int size) {
    if (value == null) {
      return field + " is missing";
    }
    if (value.length() > size) {
      return field + " is longer than the store keeps (" + size + ")";
    }
    if (value.indexOf('\0') >= 0) {
      return field + " contains U+0000, which the store cannot keep";
    }
    return null;
  }

  private static ChatMessage stored(NewMessage m, long id, long ts) {
    return new ChatMessage(id, m.room(), m.sender(), m.text(), ts, m.system());
  }

  /**
   * The whole batch as one multi-row INSERT in autocommit: one statement, so one commit and one fsync, with ids
   * in row order (how each database reports them is in {@link Dialect}). withTransaction is avoided:
   * vertx-jdbc-client 5.0.7 hands the connection back to the pool with autocommit still off (#356).
   */
  private Future<List<Long>> insertAll(SqlConnection conn, List<Pending> batch, long ts) {
    List<Object> values = new ArrayList<>(batch.size() * 6);
    for (Pending pending : batch) {
      NewMessage m = pending.message();
      values.addAll(List.of(m.room(), m.sender(), m.text(), ts));
      values.add(m.cid());
      values.add(m.system());
    }
    return dialect.insertReturningIds(conn, Sql.insertMessages(batch.size()), Tuple.from(values), batch.size());
  }
}
