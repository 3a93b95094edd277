package chat.store;

import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.Saved;
import chat.db.DedicatedConnection;
import chat.db.Dialect;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Tuple;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inserts messages in shared transactions: while one commit is on its way to disk, the messages that arrive
 * queue up and go together in the next one, so many messages share one fsync. Each message's future still
 * completes only after its own commit, so a reply keeps meaning "stored". Used from one event loop only.
 *
 * <p>A message the database would refuse must not cost the others of its batch anything: what the store can see
 * (a value too long for its column, U+0000, which PostgreSQL refuses in any text) is refused before it joins a
 * batch; a resent cid (the same sender's cid stored before, or twice in one batch) is answered with the message
 * stored first, found in one look-up; and a row the database refuses for a reason of its own (a constraint an
 * operator added) is found by halving, not by storing every message of the batch on its own.
 *
 * <p>Resends are what overload brings (a sender's node re-routes a send whose owner answered late; a client sends
 * again after a 503), so they must cost a batch one look-up, not a halving each: a halving per resent row slowed
 * the commits, which made more answers late and brought more resends (issue 18).
 */
final class GroupCommit {

  static final int MAX_BATCH = 256;
  /** SQLSTATE of a unique constraint's violation, on both databases: here, a (sender, cid) stored before. */
  private static final String UNIQUE_VIOLATION = "23505";

  private record Pending(NewMessage message, long storeBy, Promise<Saved> saved) {
    /** Who sent it under which cid (the unique pair), or null without a cid. */
    String key() {
      return message.cid() == null ? null : key(message.sender(), message.cid());
    }

    static String key(String sender, String cid) {
      return sender + '\0' + cid;
    }
  }

  /** The batches' INSERTs, on statements kept from batch to batch. */
  private final DedicatedConnection writer;
  /** The rare look-up of resent cids. */
  private final ReconnectingPool db;
  private final Dialect dialect;
  private List<Pending> queue = new ArrayList<>();
  private boolean committing;

  GroupCommit(DedicatedConnection writer, ReconnectingPool db, Dialect dialect) {
    this.writer = writer;
    this.db = db;
    this.dialect = dialect;
  }

  /**
   * Stored in the next commit, or refused unstored ({@link Failure#busy}) when that commit begins after
   * {@code storeBy} ({@code System.nanoTime()}): a database slower than the sends coming in then sheds them instead
   * of keeping every sender waiting past the point where it gives up and sends again. A resent cid is answered
   * with the message stored first, as a duplicate.
   */
  Future<Saved> insert(NewMessage message, long storeBy) {
    String unstorable = unstorable(message);
    if (unstorable != null) {
      return Future.failedFuture(Failure.badRequest(unstorable));
    }
    Promise<Saved> saved = Promise.promise();
    queue.add(new Pending(message, storeBy, saved));
    if (!committing) {
      commitNext();
    }
    return saved.future();
  }

  private void commitNext() {
    shedLate();
    if (queue.isEmpty()) {
      committing = false;
      return;
    }
    committing = true;
    List<Pending> batch = queue.size() <= MAX_BATCH ? queue : new ArrayList<>(queue.subList(0, MAX_BATCH));
    queue = queue.size() <= MAX_BATCH ? new ArrayList<>() : new ArrayList<>(queue.subList(MAX_BATCH, queue.size()));
    List<Pending> rows = firstOfEachCid(batch);
    long ts = System.currentTimeMillis();
    insert(rows, ts)
      // the database failed, not a row (a lost connection is a 503 by now): what was not stored fails with it
      .onFailure(err -> rows.forEach(pending -> pending.saved().tryFail(err)))
      .onComplete(done -> commitNext());
  }

  /** Refuses, unstored, the queued messages whose time to be stored has passed. */
  private void shedLate() {
    long now = System.nanoTime();
    if (queue.stream().anyMatch(pending -> now - pending.storeBy() > 0)) {
      List<Pending> inTime = new ArrayList<>(queue.size());
      for (Pending pending : queue) {
        if (now - pending.storeBy() > 0) {
          pending.saved().fail(Failure.busy());
        } else {
          inTime.add(pending);
        }
      }
      queue = inTime;
    }
  }

  /**
   * The batch's rows, each cid once: a later send with a cid already in the batch (a resend that caught up with the
   * first) is answered with what the first one gets, as a duplicate, instead of failing the statement.
   */
  private static List<Pending> firstOfEachCid(List<Pending> batch) {
    Map<String, Pending> first = new HashMap<>();
    List<Pending> rows = new ArrayList<>(batch.size());
    for (Pending pending : batch) {
      String key = pending.key();
      Pending earlier = key == null ? null : first.putIfAbsent(key, pending);
      if (earlier == null) {
        rows.add(pending);
      } else {
        earlier.saved().future().onComplete(
          saved -> pending.saved().complete(new Saved(saved.message(), true)),
          err -> pending.saved().fail(err));
      }
    }
    return rows;
  }

  /**
   * The rows in one statement. When the database refuses it for a resent cid, one look-up answers the rows stored
   * before and the others go again. When it refuses it for another row's sake, it does not say which row: each half
   * goes again on its own, so a bad row fails alone after at most log2(rows) halvings, and the good rows go on in
   * their order in a few statements (at most that many per bad row), never one statement each.
   */
  private Future<Void> insert(List<Pending> rows, long ts) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(); // every row was stored before
    }
    return insertAll(rows, ts).<Void>map(ids -> {
      for (int i = 0; i < rows.size(); i++) {
        rows.get(i).saved().complete(new Saved(stored(rows.get(i).message(), ids.get(i), ts), false));
      }
      return null;
    }).recover(err -> {
      String refused = refusedRow(err);
      if (refused == null) {
        return Future.failedFuture(err);
      }
      Future<List<Pending>> notStoredBefore = UNIQUE_VIOLATION.equals(refused)
        ? answerStoredBefore(rows) : Future.succeededFuture(rows);
      return notStoredBefore.compose(rest -> rest.size() < rows.size() ? insert(rest, ts) : halve(rows, ts, refused));
    });
  }

  private Future<Void> halve(List<Pending> rows, long ts, String refused) {
    if (rows.size() == 1) {
      rows.get(0).saved().fail(Failure.badRequest("the database refused this message (SQLSTATE " + refused + ")"));
      return Future.succeededFuture();
    }
    int half = rows.size() / 2;
    return insert(rows.subList(0, half), ts).compose(v -> insert(rows.subList(half, rows.size()), ts));
  }

  /**
   * Answers the rows whose (sender, cid) is stored already with the message stored then, as duplicates; the rows
   * not stored before are left.
   */
  private Future<List<Pending>> answerStoredBefore(List<Pending> rows) {
    Set<String> senders = new LinkedHashSet<>();
    Set<String> cids = new LinkedHashSet<>();
    for (Pending pending : rows) {
      if (pending.message().cid() != null) {
        senders.add(pending.message().sender());
        cids.add(pending.message().cid());
      }
    }
    if (cids.isEmpty()) {
      return Future.succeededFuture(rows);
    }
    List<Object> values = new ArrayList<>(senders);
    values.addAll(cids);
    return db.query(Sql.messagesByCids(senders.size(), cids.size()), Tuple.from(values))
      .map(found -> {
        Map<String, ChatMessage> before = new HashMap<>();
        // the cid is the column after the message's (see Sql.messagesByCids)
        found.forEach(row -> before.put(Pending.key(row.getString(2), row.getString(Sql.CID_COLUMN)), MessageRow.of(row)));
        List<Pending> rest = new ArrayList<>(rows.size());
        for (Pending pending : rows) {
          ChatMessage stored = pending.key() == null ? null : before.get(pending.key());
          if (stored != null) {
            pending.saved().complete(new Saved(stored, true));
          } else {
            rest.add(pending);
          }
        }
        return rest;
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
    if (problem == null && m.poll() != null) {
      problem = unstorable("poll", m.poll().optionsText(), Sql.POLL_SIZE);
    }
    if (problem == null && m.e2e() != null) {
      problem = unstorable("e2e", m.e2e().toJson().encode(), Sql.E2E_SIZE);
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
    return new ChatMessage(id, m.room(), m.sender(), m.text(), ts, m.system(), m.file(), m.bot(), m.poll(), m.e2e());
  }

  /**
   * The whole batch as one multi-row INSERT in autocommit: one statement, so one commit and one fsync, with ids
   * in row order (how each database reports them is in {@link Dialect}).
   */
  private Future<List<Long>> insertAll(List<Pending> batch, long ts) {
    List<Object> values = new ArrayList<>(batch.size() * 10);
    for (Pending pending : batch) {
      NewMessage m = pending.message();
      values.addAll(List.of(m.room(), m.sender(), m.text(), ts));
      values.add(m.cid());
      values.add(m.system());
      values.add(m.file() == null ? null : m.file().id());
      values.add(m.bot() ? Boolean.TRUE : null);
      values.add(m.poll() == null ? null : m.poll().optionsText());
      values.add(m.e2e() == null ? null : m.e2e().toJson().encode());
    }
    String insert = Sql.insertMessages(batch.size());
    return writer.run(statements -> dialect.insertReturningIds(statements, insert, values, batch.size()));
  }
}
