package chat.config;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One value of the config by its dotted path, and the JSON type it has in the file. {@link #ALL} is the one list of
 * keys: the file's sections allow exactly these, and each has its environment variable ({@code http.port} is
 * {@code CHAT_HTTP_PORT}, {@code security.loginsPerAddress} is {@code CHAT_SECURITY_LOGINSPERADDRESS}) and its
 * system property ({@code -Dchat.http.port}).
 */
record ConfigKey(String path, Type type) {

  enum Type { INTEGER, BOOLEAN, STRING, LIST }

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");

  /** In the order of the file's sections; an unknown key's error lists a section's names in this order. */
  static final List<ConfigKey> ALL = List.of(
    string("http.host"), integer("http.port"), bool("http.secureCookie"), list("http.trustedProxies"),
    string("http.forwardedHeaders"), string("http.publicOrigin"), string("http.tls.certPath"),
    string("http.tls.keyPath"),
    string("db.url"), string("db.user"), string("db.password"), integer("db.maxPoolSize"),
    list("rooms"),
    bool("cluster.enabled"), string("cluster.host"), integer("cluster.port"), list("cluster.members"),
    string("cluster.name"), integer("cluster.warmUpSeconds"), string("cluster.tls.certPath"),
    string("cluster.tls.keyPath"), string("cluster.tls.caPath"),
    integer("eventBus.port"),
    integer("security.bcryptCost"), integer("security.sessionTimeoutMinutes"), integer("security.messagesPerSecond"),
    integer("security.messageBurst"), integer("security.loginFailuresPerUser"),
    integer("security.loginFailuresPerAddress"), integer("security.loginsPerAddress"),
    integer("security.loginSlowdownPerUser"), integer("security.passwordChecksAtOncePerAddress"),
    integer("security.registrationsPerAddress"), integer("security.requestsPerSecond"),
    integer("security.requestBurst"), integer("security.socketsPerUser"), integer("security.socketsPerAddress"),
    integer("security.socketLifetimeMinutes"),
    bool("metrics.enabled"), string("metrics.host"), integer("metrics.port"),
    integer("channels.maxPerUser"), integer("channels.maxMembers"), integer("channels.actionsPerMinute"),
    integer("files.maxBytes"), integer("files.quotaBytes"), integer("files.uploadsAtOnce"), integer("files.maxPixels"),
    string("files.dir"),
    integer("bots.maxPerUser"), integer("bots.tokenFailuresPerMinute"), integer("bots.messagesPerSecond"),
    integer("bots.messageBurst"), integer("bots.maxChannels"), bool("bots.assistant"), string("bots.timeZone"),
    integer("presence.offlineGraceSeconds"));

  String variable() {
    return variableOf(path);
  }

  /** The environment variable of a key or the prefix of a section's: dots as '_', upper case, CHAT_ in front. */
  static String variableOf(String path) {
    return "CHAT_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  String property() {
    return "chat." + path;
  }

  static Optional<ConfigKey> byPath(String path) {
    return ALL.stream().filter(key -> key.path.equals(path)).findFirst();
  }

  static Optional<ConfigKey> byVariable(String name) {
    return ALL.stream().filter(key -> key.variable().equals(name)).findFirst();
  }

  /** The names directly inside a section ("" for the top level), keys and sub-sections, in table order. */
  static List<String> namesIn(String section) {
    String prefix = section.isEmpty() ? "" : section + ".";
    List<String> names = new ArrayList<>();
    for (ConfigKey key : ALL) {
      if (key.path.startsWith(prefix)) {
        String name = key.path.substring(prefix.length()).split("\\.")[0];
        if (!names.contains(name)) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** Every section's path, outer before inner: http, http.tls, db, cluster, cluster.tls, … */
  static List<String> sections() {
    List<String> sections = new ArrayList<>();
    for (ConfigKey key : ALL) {
      String path = key.path;
      List<String> outerFirst = new ArrayList<>();
      while (path.contains(".")) {
        path = path.substring(0, path.lastIndexOf('.'));
        outerFirst.add(0, path);
      }
      outerFirst.stream().filter(section -> !sections.contains(section)).forEach(sections::add);
    }
    return sections;
  }

  /** True when the path names a section (an object in the file), such as {@code http} or {@code http.tls}. */
  static boolean isSection(String path) {
    return !namesIn(path).isEmpty();
  }

  /**
   * The text of an environment variable or system property as the file would hold it: an integer or a boolean when
   * it reads as one, a list split at commas (blank: the empty list). Text that does not convert is left a string,
   * so the file's own check refuses it with the file's message (e.g. "expected an integer from 0 to 65535").
   */
  Object value(String text) {
    return switch (type) {
      case INTEGER -> INTEGER.matcher(text).matches() ? narrowest(Long.parseLong(text)) : text;
      case BOOLEAN -> text.equals("true") || text.equals("false") ? Boolean.valueOf(text) : text;
      case STRING -> text;
      case LIST -> {
        JsonArray items = new JsonArray();
        if (!text.isBlank()) {
          for (String item : text.split(",", -1)) {
            items.add(item.strip());
          }
        }
        yield items;
      }
    };
  }

  private static Object narrowest(long value) {
    return value == (int) value ? (Object) (int) value : (Object) value;
  }

  private static ConfigKey string(String path) {
    return new ConfigKey(path, Type.STRING);
  }

  private static ConfigKey integer(String path) {
    return new ConfigKey(path, Type.INTEGER);
  }

  private static ConfigKey bool(String path) {
    return new ConfigKey(path, Type.BOOLEAN);
  }

  private static ConfigKey list(String path) {
    return new ConfigKey(path, Type.LIST);
  }
}
