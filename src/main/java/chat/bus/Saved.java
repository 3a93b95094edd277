package chat.bus;

import io.vertx.core.json.JsonObject;

/** The store's answer to a save: the stored message, and whether it was stored before (same sender and cid). */
public record Saved(ChatMessage message, boolean duplicate) {

  public JsonObject toJson() {
    return new JsonObject().put("message", message.toJson()).put("duplicate", duplicate);
  }

  public static Saved fromJson(JsonObject json) {
    return new Saved(ChatMessage.fromJson(json.getJsonObject("message")), json.getBoolean("duplicate"));
  }
}
