package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * An accepted message on its way to the store: validated text, a room the sender may write to; {@code system}
 * only for a room's system lines, which the server writes (see {@link ChatMessage}).
 */
public record NewMessage(String room, String sender, String text, String cid, String system) {

  public NewMessage(String room, String sender, String text, String cid) {
    this(room, sender, text, cid, null);
  }

  public NewMessage withCid(String newCid) {
    return new NewMessage(room, sender, text, newCid, system);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("room", room).put("sender", sender).put("text", text).put("cid", cid);
    return system == null ? json : json.put("system", system);
  }

  public static NewMessage fromJson(JsonObject json) {
    return new NewMessage(json.getString("room"), json.getString("sender"), json.getString("text"),
      json.getString("cid"), json.getString("system"));
  }
}
