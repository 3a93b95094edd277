package chat.keys;

import chat.bus.Failure;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.EllipticCurve;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * A user's public identity keys as the page publishes them (README "End-to-end encryption"): two P-256 public keys
 * as JWKs of exactly {kty, crv, x, y}, one for ECDH and one for ECDSA. Checked here so that nobody is handed a key
 * their browser cannot use, or one off the curve (an invalid-curve point is the classic attack on ECDH). The
 * fingerprint is the page's, computed the same way; the page recomputes it and does not trust this one.
 */
public final class PublicKeys {

  private static final Set<String> MEMBERS = Set.of("kty", "crv", "x", "y");
  private static final int COORDINATE_BYTES = 32;
  /** P-256's curve, from the JDK's own parameters rather than constants typed here. */
  private static final EllipticCurve P256 = p256();

  private PublicKeys() {
  }

  /** Both keys in their canonical form, or a refusal naming the field. */
  public static JsonObject checked(JsonObject keys) {
    return new JsonObject().put("ecdh", key(keys.getValue("ecdh"), "ecdh")).put("ecdsa", key(keys.getValue("ecdsa"), "ecdsa"));
  }

  /**
   * Lowercase hex of SHA-256 over {@code canon(ecdh) + "\n" + canon(ecdsa)}, canon being the RFC 7638 form
   * {"crv","kty","x","y"} in that order without spaces.
   */
  public static String fingerprint(JsonObject ecdh, JsonObject ecdsa) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest((canonical(ecdh) + "\n" + canonical(ecdsa)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  static String canonical(JsonObject jwk) {
    return "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + jwk.getString("x") + "\",\"y\":\"" + jwk.getString("y") + "\"}";
  }

  private static JsonObject key(Object value, String field) {
    if (!(value instanceof JsonObject jwk)) {
      throw Failure.field(field, "must be a public key as a JWK {kty, crv, x, y}");
    }
    if (jwk.containsKey("d")) {
      throw Failure.field(field, "is a private key: only the public key is published, the private one never leaves the browser");
    }
    if (!"EC".equals(jwk.getValue("kty")) || !"P-256".equals(jwk.getValue("crv"))) {
      throw Failure.field(field, "must be an EC key on P-256 (kty \"EC\", crv \"P-256\")");
    }
    if (!MEMBERS.containsAll(jwk.fieldNames())) {
      throw Failure.field(field, "must have only kty, crv, x and y");
    }
    BigInteger x = coordinate(jwk.getValue("x"), field);
    BigInteger y = coordinate(jwk.getValue("y"), field);
    if (!onCurve(x, y)) {
      throw Failure.field(field, "is not a point on P-256");
    }
    return new JsonObject().put("kty", "EC").put("crv", "P-256").put("x", jwk.getString("x")).put("y", jwk.getString("y"));
  }

  private static BigInteger coordinate(Object value, String field) {
    String problem = "x and y must be " + COORDINATE_BYTES + " bytes in base64url without padding";
    if (!(value instanceof String text) || text.contains("=")) {
      throw Failure.field(field, problem);
    }
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException notBase64) {
      throw Failure.field(field, problem);
    }
    if (bytes.length != COORDINATE_BYTES) {
      throw Failure.field(field, problem);
    }
    return new BigInteger(1, bytes);
  }

  /** y² = x³ + ax + b over P-256's prime field, with both coordinates in the field. */
  static boolean onCurve(BigInteger x, BigInteger y) {
    BigInteger p = ((ECFieldFp) P256.getField()).getP();
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
      return false;
    }
    BigInteger right = x.pow(3).add(P256.getA().multiply(x)).add(P256.getB()).mod(p);
    return y.modPow(BigInteger.TWO, p).equals(right);
  }

  private static EllipticCurve p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class).getCurve();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has P-256", e);
    }
  }
}
