package chat.store;

import chat.db.Dialect;

/**
 * The SQL of messages, read marks and private rooms (their tables are db/migration's); where HSQLDB and PostgreSQL
 * differ, both forms, chosen by {@link Dialect}.
 */
public final class Sql {

  /**
   * The sizes of the message columns (V1__schema.sql), which {@link GroupCommit} checks before a row goes into a
   * shared statement.
   * Counted in UTF-16 units as HSQLDB counts them (PostgreSQL counts code points, so it never counts more).
   */
  static final int ROOM_SIZE = 64;
  static final int SENDER_SIZE = 20;
  static final int TEXT_SIZE = 4000;
  static final int CID_SIZE = 64;
  static final int POLL_SIZE = 2000;
  static final int E2E_SIZE = 16384;

  // Messages
  /** Inserts {@code rows} messages in one statement. */
  static String insertMessages(int rows) {
    return "INSERT INTO messages (room, sender, text, ts, cid, kind, file_id, by_bot, poll, e2e) VALUES "
      + String.join(", ", java.util.Collections.nCopies(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  }
  /**
   * A message's columns, with its file's (all null for a message without one) in the middle, as {@link MessageRow}
   * reads them.
   */
  private static final String COLUMNS = "m.id, m.room, m.sender, m.text, m.ts, m.kind, f.id, f.name, f.size, f.type,"
    + " f.width, f.height, f.state, m.by_bot, m.poll, m.e2e";
  /** Where {@link #messagesByCids} has the cid. */
  static final int CID_COLUMN = 16;
  private static final String MESSAGE_COLUMNS = COLUMNS + " FROM messages m LEFT JOIN files f ON f.id = m.file_id";

  /**
   * The messages of some senders with some cids, each with its cid last: a superset of the (sender, cid) pairs
   * asked for, taken from the unique index on (sender, cid) in one statement.
   */
  static String messagesByCids(int senders, int cids) {
    return "SELECT " + COLUMNS + ", m.cid FROM messages m LEFT JOIN files f ON f.id = m.file_id WHERE m.sender IN ("
      + marks(senders) + ") AND m.cid IN (" + marks(cids) + ")";
  }

  private static String marks(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }
  public static final String HISTORY_BEFORE = "SELECT " + MESSAGE_COLUMNS
    + " WHERE m.room = ? AND m.id < ? ORDER BY m.id DESC LIMIT ?";
  public static final String HISTORY_AFTER = "SELECT " + MESSAGE_COLUMNS
    + " WHERE m.room = ? AND m.id > ? ORDER BY m.id ASC LIMIT ?";

  // Polls (their options are in the message's poll column)
  static final String POLL_OF = "SELECT poll FROM messages WHERE id = ? AND room = ?";
  static final String CHANGE_VOTE = "UPDATE poll_votes SET choice = ? WHERE message_id = ? AND voter_key = ?";
  static final String INSERT_VOTE = "INSERT INTO poll_votes (message_id, voter_key, choice) VALUES (?, ?, ?)";
  static final String DELETE_VOTE = "DELETE FROM poll_votes WHERE message_id = ? AND voter_key = ?";
  static final String COUNT_VOTES = "SELECT choice, COUNT(*) FROM poll_votes WHERE message_id = ? GROUP BY choice";

  /** The votes of some polls, counted: (message_id, choice, count). */
  static String countVotes(int polls) {
    return "SELECT message_id, choice, COUNT(*) FROM poll_votes WHERE message_id IN (" + marks(polls)
      + ") GROUP BY message_id, choice";
  }

  /** One voter's choices in some polls: (message_id, choice). */
  static String votesOf(int polls) {
    return "SELECT message_id, choice FROM poll_votes WHERE voter_key = ? AND message_id IN (" + marks(polls) + ")";
  }

  // Read marks and unread counts
  public static final String RAISE_READ_MARK = """
    UPDATE read_marks SET last_read = ? WHERE username_key = ? AND room = ? AND last_read < ?""";
  public static final String INSERT_READ_MARK = "INSERT INTO read_marks (username_key, room, last_read) VALUES (?, ?, ?)";
  /** The user's read marks, one per room opened. */
  public static final String READ_MARKS_OF = "SELECT room, last_read FROM read_marks WHERE username_key = ?";
  public static final String USER_CREATED = "SELECT created FROM users WHERE username_key = ?";
  /**
   * Others' messages in a room after an id (a read mark, or 0) and a time (registration, or 0), counted among the
   * room's newest {@link #UNREAD_CAP} only: an index range, however long the history. Neither system lines nor the
   * messages of users the reader blocks count.
   */
  public static final int UNREAD_CAP = 1000;
  public static final String UNREAD_IN_ROOM = """
    SELECT COUNT(*) FROM (SELECT sender, ts, kind FROM messages WHERE room = ? AND id > ? ORDER BY id DESC LIMIT %d) recent
    WHERE LOWER(recent.sender) <> ? AND recent.ts > ? AND recent.kind IS NULL
    AND LOWER(recent.sender) NOT IN (SELECT b.blocked_key FROM blocks b WHERE b.username_key = ?)""".formatted(UNREAD_CAP);
  /** The channels a user is in (their names). */
  public static final String CHANNELS_OF = "SELECT channel FROM channel_members WHERE username_key = ?";
  /** A deleted channel's history and read marks. */
  public static final String DROP_ROOM_MESSAGES = "DELETE FROM messages WHERE room = ?";
  public static final String DROP_ROOM_READ_MARKS = "DELETE FROM read_marks WHERE room = ?";
  /** A user's private rooms, each with its newest message id (one index probe each). */
  public static final String PRIVATE_ROOMS_OF = """
    SELECT p.room, (SELECT MAX(m.id) FROM messages m WHERE m.room = p.room) FROM private_rooms p
    WHERE p.username_key = ?""";
  /** Lists a private room for one of its members (username_key, room), unless it is listed already. */
  static String insertPrivateRoom(Dialect dialect) {
    return switch (dialect) {
      case HSQLDB -> """
        MERGE INTO private_rooms p USING (VALUES (CAST(? AS VARCHAR(20)), CAST(? AS VARCHAR(64)))) AS v(u, r)
        ON p.username_key = v.u AND p.room = v.r WHEN NOT MATCHED THEN INSERT VALUES (v.u, v.r)""";
      case POSTGRESQL -> "INSERT INTO private_rooms (username_key, room) VALUES (?, ?) ON CONFLICT DO NOTHING";
    };
  }

  private Sql() {
  }
}
