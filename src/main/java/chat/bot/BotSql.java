package chat.bot;

/** The SQL of bots (the bots table of db/migration V4, and a bot's row in users). */
final class BotSql {

  /** A bot's row in users: no email (its key is unique and no address), a password no bcrypt check matches. */
  static final String INSERT_BOT_USER = """
    INSERT INTO users (username_key, username, email, email_key, password, created) VALUES (?, ?, '', ?, '!', ?)""";
  /** "bot:" and its key for a bot's row of users (a person's is an email address). */
  static final String EMAIL_KEY = "SELECT email_key FROM users WHERE username_key = ?";
  static final String INSERT_BUILTIN_BOT = """
    INSERT INTO bots (username_key, owner_key, description, token_hash, created, builtin_token) VALUES (?, ?, ?, ?, ?, ?)""";
  static final String BUILTIN_TOKEN = "SELECT builtin_token FROM bots WHERE username_key = ? AND token_hash IS NOT NULL";
  static final String DELETE_BOT_USER = "DELETE FROM users WHERE username_key = ?";
  static final String INSERT_BOT = """
    INSERT INTO bots (username_key, owner_key, description, token_hash, created) VALUES (?, ?, ?, ?, ?)""";
  static final String DELETE_NEW_BOT = "DELETE FROM bots WHERE username_key = ?";
  static final String IS_BOT = "SELECT username_key FROM bots WHERE username_key = ?";
  static final String COUNT_OWNED = "SELECT COUNT(*) FROM bots WHERE owner_key = ? AND token_hash IS NOT NULL";

  private static final String BOT_COLUMNS = """
    SELECT u.username, b.description, o.username, b.created FROM bots b
    JOIN users u ON u.username_key = b.username_key JOIN users o ON o.username_key = b.owner_key
    """;
  static final String OWNED = BOT_COLUMNS + "WHERE b.owner_key = ? AND b.token_hash IS NOT NULL ORDER BY b.username_key";
  static final String ONE_OWNED = BOT_COLUMNS
    + "WHERE b.username_key = ? AND b.owner_key = ? AND b.token_hash IS NOT NULL";
  static final String ONE = BOT_COLUMNS + "WHERE b.username_key = ? AND b.token_hash IS NOT NULL";
  static final String BY_TOKEN = BOT_COLUMNS + "WHERE b.token_hash = ?";

  static final String ROTATE = """
    UPDATE bots SET token_hash = ? WHERE username_key = ? AND owner_key = ? AND token_hash IS NOT NULL""";
  static final String DELETE = """
    UPDATE bots SET token_hash = NULL WHERE username_key = ? AND owner_key = ? AND token_hash IS NOT NULL""";

  static final String COMMANDS_HELD_BY_OTHERS = "SELECT name FROM bot_commands WHERE bot_key <> ? AND name IN ";
  static final String DELETE_COMMANDS = "DELETE FROM bot_commands WHERE bot_key = ?";
  static final String INSERT_COMMAND = "INSERT INTO bot_commands (name, bot_key, description, usage_line) VALUES (?, ?, ?, ?)";
  private static final String COMMAND_COLUMNS = """
    SELECT c.name, u.username, c.description, c.usage_line, b.last_polled FROM bot_commands c
    JOIN bots b ON b.username_key = c.bot_key AND b.token_hash IS NOT NULL JOIN users u ON u.username_key = c.bot_key
    """;
  static final String COMMAND = COMMAND_COLUMNS + "WHERE c.name = ?";
  static final String ALL_COMMANDS = COMMAND_COLUMNS + "ORDER BY c.name";

  // Updates of bots that poll (V7)
  static final String INSERT_UPDATE = "INSERT INTO bot_updates (bot_key, body, created) VALUES (?, ?, ?)";
  static final String ACKNOWLEDGED = "DELETE FROM bot_updates WHERE bot_key = ? AND id <= ?";
  static final String UPDATES_AFTER = "SELECT id, body FROM bot_updates WHERE bot_key = ? AND id > ? ORDER BY id LIMIT ?";
  static final String LAST_POLLED = "SELECT last_polled FROM bots WHERE username_key = ? AND token_hash IS NOT NULL";
  static final String POLLED = "UPDATE bots SET last_polled = ? WHERE username_key = ?";
  static final String OLD_UPDATES = "DELETE FROM bot_updates WHERE created < ?";
  static final String LIVE_BOTS = "SELECT username_key FROM bots WHERE token_hash IS NOT NULL";

  /** "(?, ?, …)" for an IN list of n values. */
  static String placeholders(int n) {
    return "(" + String.join(", ", java.util.Collections.nCopies(n, "?")) + ")";
  }

  private BotSql() {
  }
}
