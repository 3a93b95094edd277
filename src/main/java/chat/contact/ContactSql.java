package chat.contact;

/** The SQL of contacts, requests to connect, blocks and settings (db/migration V2); the same on both databases. */
final class ContactSql {

  static final String DIRECT_MESSAGES = "SELECT direct_messages FROM user_settings WHERE username_key = ?";
  static final String UPDATE_DIRECT_MESSAGES = "UPDATE user_settings SET direct_messages = ? WHERE username_key = ?";
  static final String INSERT_SETTINGS = "INSERT INTO user_settings (username_key, direct_messages) VALUES (?, ?)";
  static final String CONTACT_KEYS = "SELECT contact_key FROM contacts WHERE username_key = ?";
  static final String BLOCKED_KEYS = "SELECT blocked_key FROM blocks WHERE username_key = ?";
  static final String IS_CONTACT = "SELECT 1 FROM contacts WHERE username_key = ? AND contact_key = ?";
  static final String INSERT_CONTACT = "INSERT INTO contacts (username_key, contact_key) VALUES (?, ?)";
  static final String DELETE_CONTACT = "DELETE FROM contacts WHERE username_key = ? AND contact_key = ?";
  static final String REQUESTED = "SELECT 1 FROM contact_requests WHERE from_key = ? AND to_key = ?";
  static final String INSERT_REQUEST = "INSERT INTO contact_requests (from_key, to_key, created) VALUES (?, ?, ?)";
  static final String DELETE_REQUEST = "DELETE FROM contact_requests WHERE from_key = ? AND to_key = ?";
  static final String INSERT_BLOCK = "INSERT INTO blocks (username_key, blocked_key, created) VALUES (?, ?, ?)";
  static final String DELETE_BLOCK = "DELETE FROM blocks WHERE username_key = ? AND blocked_key = ?";
  /** Names as registered, in name order. */
  static final String CONTACTS_OF = """
    SELECT u.username FROM contacts c JOIN users u ON u.username_key = c.contact_key
    WHERE c.username_key = ? ORDER BY u.username_key""";
  /** Requests to this user, but for those of users they block (who are not told). */
  static final String INCOMING = """
    SELECT u.username FROM contact_requests r JOIN users u ON u.username_key = r.from_key
    WHERE r.to_key = ? AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.username_key = r.to_key AND b.blocked_key = r.from_key)
    ORDER BY r.created""";
  static final String OUTGOING = """
    SELECT u.username FROM contact_requests r JOIN users u ON u.username_key = r.to_key
    WHERE r.from_key = ? ORDER BY r.created""";
  static final String BLOCKED = """
    SELECT u.username FROM blocks b JOIN users u ON u.username_key = b.blocked_key
    WHERE b.username_key = ? ORDER BY u.username_key""";

  private ContactSql() {
  }
}
