package chat.bus;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * What a node's bridge and rooms need to know of a channel to let a frame through: whether it exists, whether it
 * is public, and its members' roles by user key. {@code visibility} null: no such channel.
 */
public record ChannelSnapshot(String visibility, Map<String, String> roles) {

  public static final String PUBLIC = "public";
  public static final String PRIVATE = "private";
  public static final ChannelSnapshot NONE = new ChannelSnapshot(null, Map.of());

  public boolean exists() {
    return visibility != null;
  }

  public boolean isPublic() {
    return PUBLIC.equals(visibility);
  }

  public boolean isMember(String userKey) {
    return roles.containsKey(userKey);
  }

  public JsonObject toJson() {
    return new JsonObject().put("visibility", visibility).put("roles", new JsonObject(new HashMap<>(roles)));
  }

  public static ChannelSnapshot fromJson(JsonObject json) {
    Map<String, String> roles = new HashMap<>();
    json.getJsonObject("roles").forEach(entry -> roles.put(entry.getKey(), (String) entry.getValue()));
    return new ChannelSnapshot(json.getString("visibility"), roles);
  }
}
