package chat.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Config values set outside the file, each with the name it was set by, so that an error can name it.
 *
 * <p>Environment: every variable starting with {@code CHAT_} is config ({@link ConfigKey#variable()}), and one that
 * names no key stops the start, as an unknown key in the file does: a typo in a container spec must not be
 * silently ignored. The exception is {@link #NOT_CONFIG}.
 *
 * <p>System properties: the JVM's are shared with whatever else runs in it, and builds and tests already put their
 * own {@code chat.*} names there ({@code chat.jar}, {@code chat.test.db}, {@code chat.skipPostgresTests},
 * {@code chat.noisyNeighbour} in pom.xml). So only {@code chat.<top-level key>…} is config ({@code chat.http.*},
 * {@code chat.db.*}, {@code chat.rooms}, {@code chat.cluster.*}, {@code chat.eventBus.*}, {@code chat.security.*},
 * {@code chat.metrics.*}), and there an unknown key stops the start; other {@code chat.*} names are left alone.
 */
final class Overrides {

  /** Read by logback.xml (the log format), not by the config. */
  static final Set<String> NOT_CONFIG = Set.of("CHAT_LOG_FORMAT");

  /** One value: the key it sets, the variable or property that set it (as the operator wrote it), its text. */
  record Setting(ConfigKey key, String source, String text) {
  }

  private Overrides() {
  }

  static List<Setting> fromEnvironment(Map<String, String> environment) {
    List<Setting> settings = new ArrayList<>();
    // sorted, so that of several unknown variables it is always the same one that is reported
    new TreeMap<>(environment).forEach((name, text) -> {
      if (name.startsWith("CHAT_") && !NOT_CONFIG.contains(name)) {
        ConfigKey key = ConfigKey.byVariable(name).orElseThrow(() -> unknownVariable(name));
        settings.add(new Setting(key, name, text));
      }
    });
    return settings;
  }

  static List<Setting> fromSystemProperties(Map<String, ?> properties) {
    List<String> topLevel = ConfigKey.namesIn("");
    List<Setting> settings = new ArrayList<>();
    new TreeMap<>(properties).forEach((name, value) -> {
      if (!name.startsWith("chat.") || !(value instanceof String text)) {
        return;
      }
      String path = name.substring("chat.".length());
      if (topLevel.contains(path.split("\\.")[0])) {
        ConfigKey key = ConfigKey.byPath(path).orElseThrow(() -> unknownProperty(path, name));
        settings.add(new Setting(key, "-D" + name, text));
      }
    });
    return settings;
  }

  /** Lists the variables of the innermost section the name starts with, or the top-level names. */
  private static ConfigException unknownVariable(String name) {
    String section = "";
    for (String candidate : ConfigKey.sections()) {
      if (candidate.length() > section.length() && name.startsWith(ConfigKey.variableOf(candidate) + "_")) {
        section = candidate;
      }
    }
    String prefix = section.isEmpty() ? "" : section + ".";
    String known = ConfigKey.namesIn(section).stream()
      .map(n -> ConfigKey.variableOf(prefix + n) + (ConfigKey.isSection(prefix + n) ? "_*" : ""))
      .collect(Collectors.joining(", "));
    return new ConfigException("environment variable " + name + ": no config key has this name (known"
      + (section.isEmpty() ? "" : " in " + section) + ": " + known + ")");
  }

  /** Like an unknown key in the file: the names allowed in the innermost section the path is in. */
  private static ConfigException unknownProperty(String path, String name) {
    if (ConfigKey.isSection(path)) {
      return ConfigException.forKey(path, "a section, not a value (set its keys: "
        + String.join(", ", ConfigKey.namesIn(path)) + ")").from("-D" + name);
    }
    String section = path;
    do {
      section = section.contains(".") ? section.substring(0, section.lastIndexOf('.')) : "";
    } while (!section.isEmpty() && !ConfigKey.isSection(section));
    return ConfigException.forKey(path, "unknown key (allowed: "
      + String.join(", ", ConfigKey.namesIn(section)) + ")").from("-D" + name);
  }
}
