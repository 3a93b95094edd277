package chat.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's password rule: 8 to 72 UTF-8 bytes (bcrypt's limit, refused rather than cut) and not a common one.
 * The page checks the same rule (webroot/js/password-rule.js) against the same list, so its meter and the server
 * agree.
 */
public final class PasswordRule {

  public static final int MIN_CHARS = 8;
  public static final int MAX_BYTES = 72;
  /**
   * Written at build time by build/common-passwords.mjs: the 100,000 most common passwords of a public breach
   * corpus (SecLists' 10-million-password-list-top-100000), lower-cased, those the length rule lets through. The
   * jar also serves it to the page as /vendor/common-passwords.txt.
   */
  static final String COMMON_RESOURCE = "/common-passwords.txt";

  private static final AtomicInteger LOADS = new AtomicInteger();
  /**
   * The list as a sorted array of each entry's 64-bit fingerprint (FNV-1a of its UTF-8 bytes), searched by
   * halves: 8 bytes an entry, 300 KB for its 38,458, where a HashSet of the strings would take ten times that. Two
   * strings share a fingerprint with a chance of about 2^-64: at worst a password is refused as common that is
   * not, never the other way round.
   */
  private static final long[] COMMON = loadCommon();

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
    if (isCommon(password)) {
      return "is too common, choose another";
    }
    return null;
  }

  /** True when the password, ignoring case, is on the list of common passwords. */
  static boolean isCommon(String password) {
    return Arrays.binarySearch(COMMON, fingerprint(password.toLowerCase(Locale.ROOT))) >= 0;
  }

  /** Entries on the list. */
  static int commonCount() {
    return COMMON.length;
  }

  /** How many times this JVM read the list: once. */
  static int commonLoads() {
    return LOADS.get();
  }

  private static long[] loadCommon() {
    LOADS.incrementAndGet();
    long[] fingerprints = new long[1 << 16];
    int count = 0;
    try (InputStream in = PasswordRule.class.getResourceAsStream(COMMON_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(COMMON_RESOURCE + " missing from the classpath (the build writes it)");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      // the same reading as the page's parseCommonList: a line is an entry as it is, '#' lines are the header
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (count == fingerprints.length) {
          fingerprints = Arrays.copyOf(fingerprints, count * 2);
        }
        fingerprints[count++] = fingerprint(line.toLowerCase(Locale.ROOT));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (count == 0) {
      throw new IllegalStateException(COMMON_RESOURCE + " has no entries");
    }
    long[] sorted = Arrays.copyOf(fingerprints, count);
    Arrays.sort(sorted);
    return sorted;
  }

  /** 64-bit FNV-1a. */
  private static long fingerprint(String lowerCased) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : lowerCased.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return hash;
  }
}
