package chat.channel;

import chat.bus.ChannelSnapshot;
import chat.bus.RoomId;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * What a channel's fields may be, checked where a request comes in (field errors for the form) and again where a
 * channel is stored. A name is what people type, lower-cased: "Team-A" and "team-a" are one channel.
 */
public final class ChannelRules {

  public static final int MAX_DESCRIPTION = 500;
  public static final List<String> VISIBILITIES = List.of(ChannelSnapshot.PUBLIC, ChannelSnapshot.PRIVATE);
  public static final String OWNER = "owner";
  public static final String MODERATOR = "moderator";
  public static final String MEMBER = "member";
  public static final List<String> ROLES = List.of(OWNER, MODERATOR, MEMBER);

  private ChannelRules() {
  }

  /** The name as stored (lower case), or null when it is not a string. */
  public static String normalName(Object name) {
    return name instanceof String text ? text.toLowerCase(Locale.ROOT) : null;
  }

  /** Why this name cannot be a new channel's, or null; reserved: the global room and the configured topics. */
  public static String nameProblem(Object name, Collection<String> topics) {
    String normal = normalName(name);
    if (normal == null) {
      return "required";
    }
    if (!RoomId.CHANNEL_NAME.matcher(normal).matches()) {
      return "must be 2 to 32 letters, digits or -";
    }
    if (normal.equals(RoomId.GLOBAL_ID) || topics.contains(normal)) {
      return "is reserved";
    }
    return null;
  }

  public static String visibilityProblem(Object visibility, boolean required) {
    if (visibility == null && !required) {
      return null;
    }
    // List.of(...).contains(null) throws
    return visibility instanceof String text && VISIBILITIES.contains(text) ? null : "must be public or private";
  }

  public static String descriptionProblem(Object description) {
    if (description == null) {
      return null;
    }
    if (!(description instanceof String text)) {
      return "must be text";
    }
    if (text.length() > MAX_DESCRIPTION || text.indexOf('\0') >= 0) {
      return "must be at most " + MAX_DESCRIPTION + " characters";
    }
    return null;
  }

  public static boolean isRole(String role) {
    return role != null && ROLES.contains(role);
  }

  public static boolean moderates(String role) {
    return OWNER.equals(role) || MODERATOR.equals(role);
  }
}
