package chat.assistant;

import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The assistant's reminders (db/migration V6): stored when asked for, so they outlive the node that took them, and
 * fired once in the cluster. Every node looks for due ones; a node takes one by a claim (an UPDATE only one node's
 * can win, good for {@link #LEASE_MS}), posts it under a cid made from its id, and marks it fired. A node that
 * dies between its claim and the mark leaves the reminder to be claimed again when the lease ends; the cid makes
 * that second post find the first, if there was one, instead of storing it twice.
 */
final class Reminders {

  static final long LEASE_MS = 30_000;
  /** Waiting reminders one person may have. */
  static final int MAX_PER_USER = 100;
  private static final int BATCH = 20;

  private static final String INSERT = """
    INSERT INTO reminders (username, room, text, due, created, claimed_until) VALUES (?, ?, ?, ?, ?, 0)""";
  private static final String WAITING = "SELECT COUNT(*) FROM reminders WHERE username = ? AND fired IS NULL";
  private static final String DUE = """
    SELECT id, username, room, text, due FROM reminders WHERE fired IS NULL AND due <= ? AND claimed_until < ?
    ORDER BY due LIMIT ?""";
  private static final String CLAIM = """
    UPDATE reminders SET claimed_until = ? WHERE id = ? AND fired IS NULL AND claimed_until < ?""";
  private static final String FIRED = "UPDATE reminders SET fired = ? WHERE id = ?";

  record Reminder(long id, String user, String room, String text, long due) {
    /** The idempotency key its post is sent under, the same from every node. */
    String cid() {
      return "reminder-" + id;
    }
  }

  private final ReconnectingPool db;

  Reminders(ReconnectingPool db) {
    this.db = db;
  }

  /** Stored, unless the user has {@link #MAX_PER_USER} waiting already (false). */
  Future<Boolean> add(String user, String room, String text, long due) {
    return db.query(WAITING, Tuple.of(user)).compose(count -> count.iterator().next().getLong(0) >= MAX_PER_USER
      ? Future.succeededFuture(false)
      : db.query(INSERT, Tuple.of(user, room, text, due, System.currentTimeMillis())).map(true));
  }

  /** The due reminders no other node holds, each now claimed by this one. */
  Future<List<Reminder>> claimDue(long now) {
    return db.query(DUE, Tuple.of(now, now, BATCH)).compose(rows -> {
      List<Reminder> due = new ArrayList<>();
      rows.forEach(row -> due.add(of(row)));
      List<Future<Boolean>> claims = due.stream().map(reminder -> db.query(CLAIM,
        Tuple.of(now + LEASE_MS, reminder.id(), now)).map(claimed -> claimed.rowCount() == 1)).toList();
      return Future.all(claims).map(done -> {
        List<Reminder> mine = new ArrayList<>();
        for (int i = 0; i < due.size(); i++) {
          if (claims.get(i).result()) {
            mine.add(due.get(i));
          }
        }
        return mine;
      });
    });
  }

  Future<Void> fired(Reminder reminder) {
    return db.query(FIRED, Tuple.of(System.currentTimeMillis(), reminder.id())).mapEmpty();
  }

  private static Reminder of(Row row) {
    return new Reminder(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4));
  }
}
