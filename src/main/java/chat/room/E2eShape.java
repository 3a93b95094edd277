package chat.room;

import chat.bus.E2e;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.RoomId;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Set;

/**
 * An end-to-end encrypted send, checked for shape and size only: the server cannot read it and does not try
 * (README "End-to-end encryption"). The sizes are those of the page's crypto module (webroot/js/e2e-crypto.js):
 * a 32-byte HKDF salt, a 12-byte AES-GCM iv, a 64-byte P-256 ECDSA signature, and a ciphertext of at least the
 * 16-byte tag and one byte, at most what the longest text makes. Which keys it names is checked against the room
 * later ({@link RoomVerticle}).
 */
final class E2eShape {

  static final int SALT_BYTES = 32;
  static final int IV_BYTES = 12;
  static final int SIG_BYTES = 64;
  /** AES-GCM's 16-byte tag and at least one byte. */
  static final int MIN_CIPHERTEXT_BYTES = 17;
  /** 2,000 characters of at most 4 UTF-8 bytes, in the page's {"text": …}, with its escapes and the tag: a bound. */
  static final int MAX_CIPHERTEXT_BYTES = 10_240;
  private static final Set<String> MEMBERS = Set.of("v", "salt", "iv", "ciphertext", "sig", "from", "to");
  private static final Set<String> SEND_MEMBERS = Set.of("room", "e2e", "cid");

  private E2eShape() {
  }

  /** The message an encrypted send makes, or the refusal naming the field. */
  static NewMessage message(RoomId room, String sender, JsonObject body) {
    if (!(room instanceof RoomId.Direct)) {
      throw Failure.field("e2e", "only a private room is end-to-end encrypted");
    }
    if (body.containsKey("text")) {
      throw Failure.field("text", "an encrypted message has no text: only e2e");
    }
    if (!SEND_MEMBERS.containsAll(body.fieldNames())) {
      throw Failure.field("e2e", "an encrypted message is only {room, e2e, cid}");
    }
    E2e e2e = blob(body.getValue("e2e"));
    Object cid = body.getValue("cid");
    if (cid != null && !e2e.cid().equals(cid)) {
      throw Failure.field("cid", "an encrypted message's cid is \"e2e:\" and its salt");
    }
    return NewMessage.encrypted(room.id(), sender, e2e);
  }

  private static E2e blob(Object value) {
    if (!(value instanceof JsonObject e2e)) {
      throw Failure.field("e2e", "must be {v, salt, iv, ciphertext, sig, from, to}");
    }
    if (!MEMBERS.containsAll(e2e.fieldNames())) {
      throw Failure.field("e2e", "has only v, salt, iv, ciphertext, sig, from and to");
    }
    if (!Integer.valueOf(E2e.VERSION).equals(e2e.getValue("v"))) {
      throw Failure.field("e2e.v", "must be " + E2e.VERSION);
    }
    String salt = base64(e2e, "salt", SALT_BYTES, SALT_BYTES);
    String iv = base64(e2e, "iv", IV_BYTES, IV_BYTES);
    String ciphertext = base64(e2e, "ciphertext", MIN_CIPHERTEXT_BYTES, MAX_CIPHERTEXT_BYTES);
    String sig = base64(e2e, "sig", SIG_BYTES, SIG_BYTES);
    return new E2e(E2e.VERSION, salt, iv, ciphertext, sig, fingerprint(e2e, "from"), fingerprint(e2e, "to"));
  }

  private static String base64(JsonObject e2e, String field, int min, int max) {
    String size = min == max ? min + " bytes" : min + " to " + max + " bytes";
    String problem = "must be " + size + " in base64";
    if (!(e2e.getValue(field) instanceof String text) || text.length() > (max + 2) / 3 * 4) {
      throw Failure.field("e2e." + field, problem);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException notBase64) {
      throw Failure.field("e2e." + field, problem);
    }
    // one text per byte string: a re-encoding must give the same, so a blob cannot be sent again looking new
    if (bytes.length < min || bytes.length > max || !Base64.getEncoder().encodeToString(bytes).equals(text)) {
      throw Failure.field("e2e." + field, problem);
    }
    return text;
  }

  private static String fingerprint(JsonObject e2e, String field) {
    Object value = e2e.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text) || !E2e.isFingerprint(text)) {
      throw Failure.field("e2e." + field, "must be a fingerprint: 64 lowercase hex digits");
    }
    return text;
  }
}
