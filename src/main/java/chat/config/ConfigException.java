package chat.config;

/** A configuration value that cannot be used; the message names the key and fits on one line. */
public class ConfigException extends RuntimeException {

  /** The dotted key the problem is about ({@code rooms[1]} for a list item), or null. */
  private final String key;
  private final String detail;

  public ConfigException(String message) {
    this(null, null, message);
  }

  private ConfigException(String key, String detail, String message) {
    super(message, null, false, false);
    this.key = key;
    this.detail = detail;
  }

  /** {@code config key 'http.port': <detail>} */
  static ConfigException forKey(String key, String detail) {
    return new ConfigException(key, detail, "config key '" + key + "': " + detail);
  }

  static ConfigException badKey(String key, String expected, Object actual) {
    return forKey(key, "expected " + expected + ", got " + describe(actual));
  }

  /** The key's path without a list index: {@code rooms} for {@code rooms[1]}; null when about no key. */
  String keyPath() {
    return key == null ? null : key.replaceFirst("\\[[0-9]+]$", "");
  }

  /** The same problem, naming the environment variable or system property the value came from. */
  ConfigException from(String source) {
    if (key == null) {
      return this;
    }
    return new ConfigException(key, detail, "config key '" + key + "' (from " + source + "): " + detail);
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return "\"" + s + "\"";
    }
    return String.valueOf(value);
  }
}
