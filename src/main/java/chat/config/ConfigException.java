package chat.config;

/** A configuration value that cannot be used; the message names the key and fits on one line. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message, null, false, false);
  }

  /** {@code config key 'http.port': <detail>} */
  static ConfigException forKey(String key, String detail) {
    return new ConfigException("config key '" + key + "': " + detail);
  }

  static ConfigException badKey(String key, String expected, Object actual) {
    return forKey(key, "expected " + expected + ", got " + describe(actual));
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
