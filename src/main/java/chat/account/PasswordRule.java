package chat.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The server's password rule: 8 to 72 UTF-8 bytes (bcrypt's limit, refused rather than cut) and not a common one. */
public final class PasswordRule {

  public static final int MIN_CHARS = 8;
  public static final int MAX_BYTES = 72;
  private static final Set<String> COMMON = loadCommon();

  private PasswordRule() {
  }

  /** Why this password is refused, or null when it is acceptable. */
  public static String problem(String password) {
    if (password.codePointCount(0, password.length()) < MIN_CHARS) {
      return "must be at least " + MIN_CHARS + " characters";
    }
    if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "must be at most " + MAX_BYTES + " bytes (UTF-8)";
    }
    if (COMMON.contains(password.toLowerCase(Locale.ROOT))) {
      return "is too common, choose another";
    }
    return null;
  }

  private static Set<String> loadCommon() {
    Set<String> common = new HashSet<>();
    try (InputStream in = PasswordRule.class.getResourceAsStream("/common-passwords.txt")) {
      if (in == null) {
        throw new IllegalStateException("common-passwords.txt missing from the classpath");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      reader.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .forEach(line -> common.add(line.toLowerCase(Locale.ROOT)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Set.copyOf(common);
  }
}
