package chat.bus;

import io.vertx.core.json.JsonObject;

/** A stored chat message, as published to chat.room.&lt;room id&gt; and returned by history. */
public record ChatMessage(long id, String room, String sender, String text, long ts) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("room", room).put("sender", sender).put("text", text).put("ts", ts);
  }

  public static ChatMessage fromJson(JsonObject json) {
    return new ChatMessage(json.getLong("id"), json.getString("room"), json.getString("sender"),
      json.getString("text"), json.getLong("ts"));
  }
}
