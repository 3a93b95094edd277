package chat.bus;

import io.vertx.core.json.JsonObject;

/** A slash command a bot registered: "/name args" in a room goes to that bot (see {@link Addresses#BOT_COMMAND}). */
public record BotCommand(String name, String bot, String description, String usage) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("bot", bot).put("description", description).put("usage", usage);
  }

  public static BotCommand fromJson(JsonObject json) {
    return new BotCommand(json.getString("name"), json.getString("bot"), json.getString("description"),
      json.getString("usage"));
  }
}
