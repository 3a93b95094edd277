package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * A user's action on channels or contacts, from the HTTP API to the verticle that owns those tables: who asks
 * (from the session, never from the request), what it is about (a channel name or a username, as given) and
 * the rest of the request's fields.
 */
public record UserAction(String user, String target, JsonObject args) {

  public UserAction(String user, String target) {
    this(user, target, new JsonObject());
  }

  public JsonObject toJson() {
    return new JsonObject().put("user", user).put("target", target).put("args", args);
  }

  public static UserAction fromJson(JsonObject json) {
    JsonObject args = json.getJsonObject("args");
    return new UserAction(json.getString("user"), json.getString("target"), args == null ? new JsonObject() : args);
  }

  /** A string field of the arguments, or null when it is absent or not a string. */
  public String arg(String field) {
    return args.getValue(field) instanceof String value ? value : null;
  }
}
