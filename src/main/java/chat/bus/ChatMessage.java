package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * A stored chat message, as published to chat.room.&lt;room id&gt; and returned by history. {@code system} names a
 * system line of the room ("joined", "invited", …; null for what a person wrote): {@code sender} did it, and
 * {@code text} says it.
 */
public record ChatMessage(long id, String room, String sender, String text, long ts, String system) {

  public ChatMessage(long id, String room, String sender, String text, long ts) {
    this(id, room, sender, text, ts, null);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("room", room).put("sender", sender).put("text", text)
      .put("ts", ts);
    return system == null ? json : json.put("system", system);
  }

  public static ChatMessage fromJson(JsonObject json) {
    return new ChatMessage(json.getLong("id"), json.getString("room"), json.getString("sender"),
      json.getString("text"), json.getLong("ts"), json.getString("system"));
  }
}
