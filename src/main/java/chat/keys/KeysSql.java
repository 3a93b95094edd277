package chat.keys;

/** The keys verticle's statements (db/migration V8). */
final class KeysSql {

  private KeysSql() {
  }

  // Identities: the newest of a user's is the current one
  static final String CURRENT = """
    SELECT fingerprint, ecdh, ecdsa FROM user_keys WHERE username_key = ? ORDER BY id DESC LIMIT 1""";
  static final String IDENTITY = "SELECT fingerprint, ecdh, ecdsa FROM user_keys WHERE username_key = ? AND fingerprint = ?";
  static final String INSERT_IDENTITY = """
    INSERT INTO user_keys (username_key, fingerprint, ecdh, ecdsa, created) VALUES (?, ?, ?, ?, ?)""";
  // The daily bound on new identities: a place taken in the current window, a window started again, or a first one
  static final String TAKE_CHANGE = """
    UPDATE key_changes SET made = made + 1 WHERE username_key = ? AND window_start > ? AND made < ?""";
  static final String NEW_WINDOW = """
    UPDATE key_changes SET window_start = ?, made = 1 WHERE username_key = ? AND window_start <= ?""";
  static final String FIRST_WINDOW = "INSERT INTO key_changes (username_key, window_start, made) VALUES (?, ?, 1)";
  /** The current fingerprints of two users: (username_key, fingerprint), one row for each who has keys. */
  static final String CURRENT_OF_TWO = """
    SELECT k.username_key, k.fingerprint FROM user_keys k WHERE k.username_key IN (?, ?)
    AND k.id = (SELECT MAX(n.id) FROM user_keys n WHERE n.username_key = k.username_key)""";

  // Backups
  static final String BACKUP = "SELECT backup FROM key_backups WHERE username_key = ?";
  static final String UPDATE_BACKUP = "UPDATE key_backups SET backup = ?, updated = ? WHERE username_key = ?";
  static final String INSERT_BACKUP = "INSERT INTO key_backups (username_key, backup, updated) VALUES (?, ?, ?)";

  // Encrypted private rooms
  static final String ENCRYPTED = "SELECT by_user, since FROM encrypted_rooms WHERE room = ?";
  static final String INSERT_ENCRYPTED = """
    INSERT INTO encrypted_rooms (room, first_key, second_key, by_user, since) VALUES (?, ?, ?, ?, ?)""";
  /** The encrypted rooms of a user, with their members: (room, first_key, second_key). */
  static final String ENCRYPTED_OF = """
    SELECT room, first_key, second_key FROM encrypted_rooms WHERE first_key = ? OR second_key = ?""";
}
