package chat.channel;

/** The SQL of channels, their members and invitations (db/migration V2); the same on HSQLDB and PostgreSQL. */
final class ChannelSql {

  static final String NAMES = "SELECT name FROM channels";
  static final String VISIBILITY = "SELECT visibility FROM channels WHERE name = ?";
  static final String ROLES = "SELECT username_key, role FROM channel_members WHERE channel = ?";
  static final String ROLES_OF_ONE = "SELECT role FROM channel_members WHERE channel = ? AND username_key = ?";
  /** A channel with its owner's name as registered, and its member count. */
  static final String CHANNEL = """
    SELECT c.name, c.visibility, c.description, u.username,
      (SELECT COUNT(*) FROM channel_members m WHERE m.channel = c.name)
    FROM channels c LEFT JOIN users u ON u.username_key = c.owner_key WHERE c.name = ?""";
  static final String MEMBERS = """
    SELECT u.username, m.role FROM channel_members m JOIN users u ON u.username_key = m.username_key
    WHERE m.channel = ? ORDER BY m.joined, m.username_key""";
  /** Public channels and the user's own, by name prefix, with the user's role in each (or null). */
  static final String SEARCH = """
    SELECT c.name, c.visibility, c.description, u.username,
      (SELECT COUNT(*) FROM channel_members m WHERE m.channel = c.name),
      (SELECT m.role FROM channel_members m WHERE m.channel = c.name AND m.username_key = ?)
    FROM channels c LEFT JOIN users u ON u.username_key = c.owner_key
    WHERE c.name LIKE ? ESCAPE '\\' AND (c.visibility = 'public'
      OR EXISTS (SELECT 1 FROM channel_members m WHERE m.channel = c.name AND m.username_key = ?))
    ORDER BY c.name LIMIT ?""";
  /**
   * The limits' places: each taken by one UPDATE whose condition the database checks on the row it locks, so
   * requests at the same moment, on any node, never take more places than there are; given back when the member
   * or channel goes (or the action fails after taking one).
   */
  static final String OWNER_ROW = "INSERT INTO channel_owners (username_key, owned) VALUES (?, 0)";
  static final String TAKE_OWNED_PLACE = "UPDATE channel_owners SET owned = owned + 1 WHERE username_key = ? AND owned < ?";
  static final String GIVE_OWNED_PLACE = "UPDATE channel_owners SET owned = owned - 1 WHERE username_key = ? AND owned > 0";
  static final String TAKE_MEMBER_PLACE = "UPDATE channels SET member_count = member_count + 1 WHERE name = ? AND member_count < ?";
  static final String GIVE_MEMBER_PLACE = "UPDATE channels SET member_count = member_count - 1 WHERE name = ? AND member_count > 0";
  static final String INSERT_CHANNEL = """
    INSERT INTO channels (name, visibility, description, owner_key, created, member_count) VALUES (?, ?, ?, ?, ?, 1)""";
  /** The channels a bot is in; 0 for a person. */
  static final String BOT_CHANNELS = """
    SELECT COUNT(*) FROM channel_members m JOIN bots b ON b.username_key = m.username_key WHERE m.username_key = ?""";
  static final String INSERT_MEMBER = "INSERT INTO channel_members (channel, username_key, role, joined) VALUES (?, ?, ?, ?)";
  static final String DELETE_MEMBER = "DELETE FROM channel_members WHERE channel = ? AND username_key = ?";
  static final String SET_ROLE = "UPDATE channel_members SET role = ? WHERE channel = ? AND username_key = ?";
  static final String SET_OWNER = "UPDATE channels SET owner_key = ? WHERE name = ?";
  static final String SET_DESCRIPTION = "UPDATE channels SET description = ? WHERE name = ?";
  static final String SET_VISIBILITY = "UPDATE channels SET visibility = ? WHERE name = ?";
  static final String DELETE_CHANNEL = "DELETE FROM channels WHERE name = ?";
  static final String DELETE_MEMBERS = "DELETE FROM channel_members WHERE channel = ?";
  static final String DELETE_INVITATIONS = "DELETE FROM channel_invitations WHERE channel = ?";
  static final String INVITED = "SELECT 1 FROM channel_invitations WHERE channel = ? AND username_key = ?";
  static final String INSERT_INVITATION = """
    INSERT INTO channel_invitations (channel, username_key, invited_by, created) VALUES (?, ?, ?, ?)""";
  static final String DELETE_INVITATION = "DELETE FROM channel_invitations WHERE channel = ? AND username_key = ?";
  /** A user's pending invitations, newest first, with who invited them (their name as registered). */
  static final String INVITATIONS_OF = """
    SELECT i.channel, c.visibility, c.description, u.username, i.created FROM channel_invitations i
    JOIN channels c ON c.name = i.channel LEFT JOIN users u ON u.username_key = i.invited_by
    WHERE i.username_key = ? ORDER BY i.created DESC""";
  /** The channels a user is in, by name, with the user's role. */
  static final String CHANNELS_OF = """
    SELECT c.name, c.visibility, m.role FROM channel_members m JOIN channels c ON c.name = m.channel
    WHERE m.username_key = ? ORDER BY c.name""";

  private ChannelSql() {
  }
}
