package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * A stored chat message, as published to chat.room.&lt;room id&gt; and returned by history. {@code system} names a
 * system line of the room ("joined", "invited", …; null for what a person wrote): {@code sender} did it, and
 * {@code text} says it. {@code file}: the file a message shares (its text is then the caption), or null.
 * {@code bot}: a bot sent it. {@code poll}: the poll it is (its text the question), or null. {@code e2e}: the blob of
 * an end-to-end encrypted message, which then has no text (its JSON has none).
 */
public record ChatMessage(long id, String room, String sender, String text, long ts, String system, FileInfo file,
                          boolean bot, Poll poll, E2e e2e) {

  public ChatMessage(long id, String room, String sender, String text, long ts, String system, FileInfo file,
      boolean bot, Poll poll) {
    this(id, room, sender, text, ts, system, file, bot, poll, null);
  }

  public ChatMessage(long id, String room, String sender, String text, long ts) {
    this(id, room, sender, text, ts, null, null, false, null);
  }

  public ChatMessage withPoll(Poll counted) {
    return new ChatMessage(id, room, sender, text, ts, system, file, bot, counted, e2e);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("room", room).put("sender", sender);
    if (e2e == null) {
      json.put("text", text);
    } else {
      json.put("e2e", e2e.toJson());
    }
    json.put("ts", ts);
    if (file != null) {
      json.put("file", file.toJson());
    }
    if (bot) {
      json.put("bot", true);
    }
    if (poll != null) {
      json.put("poll", poll.toJson());
    }
    return system == null ? json : json.put("system", system);
  }

  public static ChatMessage fromJson(JsonObject json) {
    return new ChatMessage(json.getLong("id"), json.getString("room"), json.getString("sender"),
      json.getString("text", ""), json.getLong("ts"), json.getString("system"),
      FileInfo.fromJson(json.getJsonObject("file")), json.getBoolean("bot", false),
      Poll.fromJson(json.getJsonObject("poll")), E2e.fromJson(json.getJsonObject("e2e")));
  }
}
