package chat.bus;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A room id: {@code global}, {@code topic.<name>} for a configured topic, {@code channel.<name>} for a channel
 * people made, or {@code dm.<a>.<b>} for the private room of two users (lower-case usernames, a &lt; b). Parsing is
 * the only way to get one, so a RoomId in hand is always well formed; whether a channel exists, and who is in it,
 * is the channels' business ({@code chat.access.RoomAccess}).
 */
public sealed interface RoomId {

  String GLOBAL_ID = "global";
  Pattern USERNAME = Pattern.compile("[A-Za-z0-9_-]{2,20}");
  /**
   * Names that are paths of the API next to a name (/api/bots/messages, /api/bots/updates, /api/keys/backup): no
   * person or bot takes them (people and bots share one space of names).
   */
  java.util.Set<String> RESERVED_NAMES = java.util.Set.of("messages", "updates", "backup");
  Pattern DIRECT = Pattern.compile("dm\\.([a-z0-9_-]{2,20})\\.([a-z0-9_-]{2,20})");
  /** A channel's name, as stored and in its room id (what people type is lower-cased first). */
  Pattern CHANNEL_NAME = Pattern.compile("[a-z0-9-]{2,32}");
  String CHANNEL_PREFIX = "channel.";

  String id();

  /** May this user read and write here, as far as the id tells (a channel's members are looked up apart)? */
  boolean admits(String username);

  record Global() implements RoomId {
    public String id() {
      return GLOBAL_ID;
    }

    public boolean admits(String username) {
      return true;
    }
  }

  record Topic(String name) implements RoomId {
    public String id() {
      return "topic." + name;
    }

    public boolean admits(String username) {
      return true;
    }
  }

  record Channel(String name) implements RoomId {
    public String id() {
      return CHANNEL_PREFIX + name;
    }

    public boolean admits(String username) {
      return true;
    }
  }

  record Direct(String first, String second) implements RoomId {
    public String id() {
      return "dm." + first + "." + second;
    }

    public boolean admits(String username) {
      String key = key(username);
      return first.equals(key) || second.equals(key);
    }

    /** The member who is not this user. */
    public String other(String username) {
      return first.equals(key(username)) ? second : first;
    }
  }

  /** Parses a room id; an unknown, malformed or unconfigured id gives {@code null}. */
  static RoomId parse(String id, Collection<String> topics) {
    if (id == null) {
      return null;
    }
    if (id.equals(GLOBAL_ID)) {
      return new Global();
    }
    if (id.startsWith("topic.")) {
      String name = id.substring("topic.".length());
      return topics.contains(name) ? new Topic(name) : null;
    }
    if (id.startsWith(CHANNEL_PREFIX)) {
      String name = id.substring(CHANNEL_PREFIX.length());
      return CHANNEL_NAME.matcher(name).matches() ? new Channel(name) : null;
    }
    Matcher dm = DIRECT.matcher(id);
    if (dm.matches() && dm.group(1).compareTo(dm.group(2)) < 0) {
      return new Direct(dm.group(1), dm.group(2));
    }
    return null;
  }

  /** The private room of two users, whatever the order or case of their names. */
  static Direct between(String a, String b) {
    String x = key(a);
    String y = key(b);
    return x.compareTo(y) < 0 ? new Direct(x, y) : new Direct(y, x);
  }

  /** The case-insensitive key of a username, as used in dm room ids and uniqueness checks. */
  static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
