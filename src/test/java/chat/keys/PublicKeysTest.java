package chat.keys;

import chat.support.E2eKeys;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's fingerprint is the page's, and what it takes as a public key is one. */
class PublicKeysTest {

  /** The public halves of alice's fixed keys in src/test/js/e2e-crypto.test.mjs, with the fingerprint pinned there. */
  private static final JsonObject ALICE_ECDH = jwk("zk4IkPEReBoj_-mqDvOZ3uCyDWcpPDKrFz0NSfhV_x4",
    "ac8JzzwTywPRqaFJ4fZb9YcVIyBiGdH3OEE9cpRztiU");
  private static final JsonObject ALICE_ECDSA = jwk("bWkPvjMtdpvGPur8uJZMe0pMNRu-j-8pZp8pE8mMxoA",
    "QDHOigMP5lLnItjgZOx7fIkbIn4RYnJllpWSYRkGwIQ");
  private static final String ALICE_FINGERPRINT = "d8eace560fbf47e6a63668d95f4dd76478f273210eeb91eca9e498ecce65b5a9";

  private static JsonObject jwk(String x, String y) {
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("x", x).put("y", y);
  }

  @Test
  void theFingerprintIsThePagesForTheSameKeys() {
    assertEquals(ALICE_FINGERPRINT, PublicKeys.fingerprint(ALICE_ECDH, ALICE_ECDSA));
    JsonObject checked = PublicKeys.checked(new JsonObject().put("ecdh", ALICE_ECDH).put("ecdsa", ALICE_ECDSA));
    assertEquals(ALICE_ECDH, checked.getJsonObject("ecdh"));
  }

  @Test
  void onlyPointsOfTheCurveArePublicKeys() {
    for (int i = 0; i < 20; i++) {
      JsonObject key = E2eKeys.publicJwk();
      BigInteger x = new BigInteger(1, Base64.getUrlDecoder().decode(key.getString("x")));
      BigInteger y = new BigInteger(1, Base64.getUrlDecoder().decode(key.getString("y")));
      assertTrue(PublicKeys.onCurve(x, y));
      assertFalse(PublicKeys.onCurve(x, y.add(BigInteger.ONE)));
      assertFalse(PublicKeys.onCurve(x.add(BigInteger.ONE), y));
    }
    ReplyException refused = assertThrows(ReplyException.class, () -> PublicKeys.checked(new JsonObject()
      .put("ecdh", jwk(ALICE_ECDH.getString("x"), ALICE_ECDSA.getString("y"))).put("ecdsa", ALICE_ECDSA)));
    assertEquals("ecdh: is not a point on P-256", refused.getMessage());
  }
}
