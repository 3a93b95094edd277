package chat.bus;

import io.vertx.core.json.JsonObject;

/** A slash command a bot registered: "/name args" in a room goes to that bot (see {@link Addresses#BOT_COMMAND}). */
public record BotCommand(String name, String bot, String description, String usage) {

  /** What a command's name may be: the bot API refuses others, and "/" followed by anything else is text. */
  public static final String NAME = "[a-z0-9_-]{1,32}";

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("bot", bot).put("description", description).put("usage", usage);
  }

  public static BotCommand fromJson(JsonObject json) {
    return new BotCommand(json.getString("name"), json.getString("bot"), json.getString("description"),
      json.getString("usage"));
  }
}
