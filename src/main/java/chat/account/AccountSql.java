package chat.account;

/** The SQL of accounts (the users table of db/migration). */
final class AccountSql {

  static final String ACCOUNT_WITH_PASSWORD = "SELECT username, email, password FROM users WHERE username_key = ?";
  static final String USER_BY_KEY = "SELECT username, email FROM users WHERE username_key = ?";
  static final String USER_TAKEN = "SELECT username_key, email_key FROM users WHERE username_key = ? OR email_key = ?";
  static final String INSERT_USER = """
    INSERT INTO users (username_key, username, email, email_key, password, created) VALUES (?, ?, ?, ?, ?, ?)""";
  static final String UPDATE_EMAIL = "UPDATE users SET email = ?, email_key = ? WHERE username_key = ?";
  static final String EMAIL_OWNER = "SELECT username_key FROM users WHERE email_key = ?";
  static final String UPDATE_PASSWORD = "UPDATE users SET password = ? WHERE username_key = ?";
  /** Names, each with its key again when it is a bot's (bots are users, issue 19). */
  static final String SEARCH_USERS = """
    SELECT u.username, b.username_key FROM users u LEFT JOIN bots b ON b.username_key = u.username_key
    WHERE u.username_key LIKE ? ESCAPE '\\' ORDER BY u.username_key LIMIT ?""";

  private AccountSql() {
  }
}
