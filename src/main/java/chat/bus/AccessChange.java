package chat.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who may do what has changed: a channel's members or settings ({@code channel}; {@code removed} lists the user
 * keys that left or were removed, {@code deleted} says the channel is gone), or the private-message policy of
 * some users ({@code users}: their settings, contacts or blocks). Caches forget what it names; bridges end the
 * removed users' listening.
 */
public record AccessChange(String channel, List<String> removed, boolean deleted, List<String> users) {

  public static AccessChange ofChannel(String channel) {
    return new AccessChange(channel, List.of(), false, List.of());
  }

  public static AccessChange removedFrom(String channel, List<String> userKeys) {
    return new AccessChange(channel, List.copyOf(userKeys), false, List.of());
  }

  public static AccessChange deleted(String channel) {
    return new AccessChange(channel, List.of(), true, List.of());
  }

  public static AccessChange ofUsers(String... userKeys) {
    return new AccessChange(null, List.of(), false, List.of(userKeys));
  }

  public JsonObject toJson() {
    return new JsonObject().put("channel", channel).put("removed", new JsonArray(removed)).put("deleted", deleted)
      .put("users", new JsonArray(users));
  }

  @SuppressWarnings("unchecked")
  public static AccessChange fromJson(JsonObject json) {
    return new AccessChange(json.getString("channel"), List.copyOf(json.getJsonArray("removed").getList()),
      json.getBoolean("deleted"), List.copyOf(json.getJsonArray("users").getList()));
  }
}
