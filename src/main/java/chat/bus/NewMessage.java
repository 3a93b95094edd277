package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * An accepted message on its way to the store: validated text, a room the sender may write to; {@code system}
 * only for a room's system lines, which the server writes (see {@link ChatMessage}); {@code bot} when a bot sent
 * it, and {@code poll} (only a bot's) when it is a poll; {@code e2e} when it is end-to-end encrypted (its text is
 * then empty: the server never has it).
 */
public record NewMessage(String room, String sender, String text, String cid, String system, FileInfo file,
                         boolean bot, Poll poll, E2e e2e) {

  public NewMessage(String room, String sender, String text, String cid, String system, FileInfo file, boolean bot,
      Poll poll) {
    this(room, sender, text, cid, system, file, bot, poll, null);
  }

  /** An encrypted message: no text, and the blob's own idempotency key. */
  public static NewMessage encrypted(String room, String sender, E2e e2e) {
    return new NewMessage(room, sender, "", e2e.cid(), null, null, false, null, e2e);
  }

  public NewMessage(String room, String sender, String text, String cid) {
    this(room, sender, text, cid, null, null, false, null);
  }

  public NewMessage(String room, String sender, String text, String cid, String system) {
    this(room, sender, text, cid, system, null, false, null);
  }

  public NewMessage(String room, String sender, String text, String cid, String system, FileInfo file) {
    this(room, sender, text, cid, system, file, false, null);
  }

  public NewMessage withCid(String newCid) {
    return new NewMessage(room, sender, text, newCid, system, file, bot, poll, e2e);
  }

  /** Sent by a bot, as a poll when {@code asPoll} is not null. */
  public NewMessage fromBot(Poll asPoll) {
    return new NewMessage(room, sender, text, cid, system, file, true, asPoll, e2e);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("room", room).put("sender", sender).put("text", text).put("cid", cid);
    if (file != null) {
      json.put("file", file.toJson());
    }
    if (bot) {
      json.put("bot", true);
    }
    if (poll != null) {
      json.put("poll", poll.toJson());
    }
    if (e2e != null) {
      json.put("e2e", e2e.toJson());
    }
    return system == null ? json : json.put("system", system);
  }

  public static NewMessage fromJson(JsonObject json) {
    return new NewMessage(json.getString("room"), json.getString("sender"), json.getString("text"),
      json.getString("cid"), json.getString("system"), FileInfo.fromJson(json.getJsonObject("file")),
      json.getBoolean("bot", false), Poll.fromJson(json.getJsonObject("poll")), E2e.fromJson(json.getJsonObject("e2e")));
  }
}
