package chat.bus;

import io.vertx.core.json.JsonObject;

/**
 * An end-to-end encrypted message's blob (issue 20, README "End-to-end encryption"): what the server stores and
 * relays in place of a text it cannot read. {@code salt}, {@code iv}, {@code ciphertext} and {@code sig} are base64;
 * {@code from} and {@code to} (null when a client leaves them out) the fingerprints of the sender's and the
 * partner's identities it was made with, so a reader knows which keys to use after either changed.
 */
public record E2e(int v, String salt, String iv, String ciphertext, String sig, String from, String to) {

  public static final int VERSION = 1;

  /** The idempotency key of an encrypted message: a blob sent again is the same message, never a second one. */
  public String cid() {
    return "e2e:" + salt;
  }

  /** What a fingerprint of an identity looks like: 64 lowercase hex digits (a SHA-256). */
  public static boolean isFingerprint(String value) {
    return value != null && value.length() == 64
      && value.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("v", v).put("salt", salt).put("iv", iv).put("ciphertext", ciphertext)
      .put("sig", sig);
    if (from != null) {
      json.put("from", from);
    }
    return to == null ? json : json.put("to", to);
  }

  public static E2e fromJson(JsonObject json) {
    return json == null ? null : new E2e(json.getInteger("v"), json.getString("salt"), json.getString("iv"),
      json.getString("ciphertext"), json.getString("sig"), json.getString("from"), json.getString("to"));
  }
}
