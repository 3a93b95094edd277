package chat.bus;

import io.vertx.core.json.JsonObject;

/** An accepted message on its way to the store: validated text, a room the sender may write to. */
public record NewMessage(String room, String sender, String text, String cid) {

  public JsonObject toJson() {
    return new JsonObject().put("room", room).put("sender", sender).put("text", text).put("cid", cid);
  }

  public static NewMessage fromJson(JsonObject json) {
    return new NewMessage(json.getString("room"), json.getString("sender"), json.getString("text"),
      json.getString("cid"));
  }
}
