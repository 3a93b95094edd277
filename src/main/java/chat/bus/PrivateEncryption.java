package chat.bus;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * What a private room's sends are checked against (issue 20): whether it is end-to-end encrypted, and the current
 * identity fingerprint of each member that has keys (by user key), which an encrypted message's {@code from} and
 * {@code to} must name.
 */
public record PrivateEncryption(boolean encrypted, Map<String, String> fingerprints) {

  public PrivateEncryption {
    fingerprints = Map.copyOf(fingerprints);
  }

  /** This user's current fingerprint, or null when they have no keys. */
  public String fingerprintOf(String user) {
    return fingerprints.get(RoomId.key(user));
  }

  public JsonObject toJson() {
    return new JsonObject().put("encrypted", encrypted).put("fingerprints", new JsonObject(new HashMap<>(fingerprints)));
  }

  public static PrivateEncryption fromJson(JsonObject json) {
    Map<String, String> fingerprints = new HashMap<>();
    json.getJsonObject("fingerprints").forEach(entry -> fingerprints.put(entry.getKey(), (String) entry.getValue()));
    return new PrivateEncryption(json.getBoolean("encrypted"), fingerprints);
  }
}
