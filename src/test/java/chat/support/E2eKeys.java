package chat.support;

import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Public identity keys and encrypted-message blobs as a page makes them (README "End-to-end encryption"), for
 * tests of the server's side, which checks only their shape: real P-256 public keys from the JDK, and blobs of
 * random bytes of the right sizes (the server never decrypts; the page's crypto is tested with node --test).
 */
public final class E2eKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private E2eKeys() {
  }

  /** {ecdh, ecdsa}: two fresh P-256 public keys as JWKs {kty, crv, x, y}. */
  public static JsonObject identity() {
    return new JsonObject().put("ecdh", publicJwk()).put("ecdsa", publicJwk());
  }

  public static JsonObject publicJwk() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
      return new JsonObject().put("kty", "EC").put("crv", "P-256")
        .put("x", coordinate(key.getW().getAffineX())).put("y", coordinate(key.getW().getAffineY()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A coordinate as a JWK has it: 32 bytes big-endian, base64url without padding. */
  public static String coordinate(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[32];
    int from = Math.max(0, bytes.length - 32);
    System.arraycopy(bytes, from, fixed, 32 - (bytes.length - from), bytes.length - from);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  /** A blob of the right shape: {v: 1, salt, iv, ciphertext, sig, from, to}. */
  public static JsonObject blob(String from, String to) {
    JsonObject blob = new JsonObject().put("v", 1).put("salt", random(32)).put("iv", random(12))
      .put("ciphertext", random(48)).put("sig", random(64));
    if (from != null) {
      blob.put("from", from);
    }
    return to == null ? blob : blob.put("to", to);
  }

  /** A send of that blob to a room, under the cid the page gives it. */
  public static JsonObject send(String room, JsonObject blob) {
    return new JsonObject().put("room", room).put("e2e", blob).put("cid", "e2e:" + blob.getString("salt"));
  }

  public static String random(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return Base64.getEncoder().encodeToString(random);
  }

  /** The same bytes with one changed: what a tampered or wrong value looks like. */
  public static String otherThan(String base64) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    byte[] changed = Arrays.copyOf(bytes, bytes.length);
    changed[0] ^= 1;
    return Base64.getEncoder().encodeToString(changed);
  }
}
