package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * A bot as its owner sees it: its name (a username), what it is for, who owns it, when it was made, and its token
 * only in the answer that made or rotated it (the server keeps the token's hash, never the token).
 */
public record BotAccount(String name, String description, String owner, long created, String token) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name).put("description", description).put("owner", owner)
      .put("created", created);
    return token == null ? json : json.put("token", token);
  }

  public static BotAccount fromJson(JsonObject json) {
    return new BotAccount(json.getString("name"), json.getString("description"), json.getString("owner"),
      json.getLong("created", 0L), json.getString("token"));
  }
}
