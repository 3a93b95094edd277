package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * The file a message carries: its id (for {@code /files/<id>/<name>}), the name it was shared under (made safe),
 * its size, the type detected from its bytes, and a picture's size in pixels when known. A removed file keeps only
 * its id.
 */
public record FileInfo(long id, String name, long size, String type, Integer width, Integer height, boolean removed) {

  public static FileInfo removed(long id) {
    return new FileInfo(id, null, 0, null, null, null, true);
  }

  public JsonObject toJson() {
    if (removed) {
      return new JsonObject().put("id", id).put("removed", true);
    }
    JsonObject json = new JsonObject().put("id", id).put("name", name).put("size", size).put("type", type);
    if (width != null && height != null) {
      json.put("width", width).put("height", height);
    }
    return json;
  }

  public static FileInfo fromJson(JsonObject json) {
    if (json == null) {
      return null;
    }
    if (json.getBoolean("removed", false)) {
      return removed(json.getLong("id"));
    }
    return new FileInfo(json.getLong("id"), json.getString("name"), json.getLong("size"), json.getString("type"),
      json.getInteger("width"), json.getInteger("height"), false);
  }
}
