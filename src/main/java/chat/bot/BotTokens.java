package chat.bot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A bot's token: 32 random bytes, URL-safe, after a prefix that makes a leaked one easy to spot in a log or a
 * repository. The server keeps only its SHA-256: a token has 256 bits of its own, so a fast hash is enough (a
 * password needs bcrypt because a person's has few), and a look-up by hash costs one index read.
 */
final class BotTokens {

  static final String PREFIX = "chatbot_";
  /** What a token looks like; anything else is refused without a database read. */
  static final Pattern SHAPE = Pattern.compile(PREFIX + "[A-Za-z0-9_-]{43}");

  private static final SecureRandom RANDOM = new SecureRandom();

  private BotTokens() {
  }

  static String create() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of a token in hex: what is stored, and what a request's token is looked up by. */
  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
