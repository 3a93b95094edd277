package chat.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One value of the config by its dotted path, and the JSON type it has in the file. {@link #ALL} is the one list of
 * keys: the file's sections allow exactly these.
 */
record ConfigKey(String path, Type type) {

  enum Type { INTEGER, BOOLEAN, STRING, LIST }

  /** In the order of the file's sections; an unknown key's error lists a section's names in this order. */
  static final List<ConfigKey> ALL = List.of(
    string("http.host"), integer("http.port"), bool("http.secureCookie"), list("http.trustedProxies"),
    string("http.forwardedHeaders"), string("http.publicOrigin"), string("http.tls.certPath"),
    string("http.tls.keyPath"),
    string("db.url"), string("db.user"), string("db.password"), integer("db.maxPoolSize"),
    list("rooms"),
    bool("cluster.enabled"), string("cluster.host"), integer("cluster.port"), list("cluster.members"),
    string("cluster.name"), string("cluster.tls.certPath"), string("cluster.tls.keyPath"),
    string("cluster.tls.caPath"),
    integer("eventBus.port"),
    integer("security.bcryptCost"), integer("security.sessionTimeoutMinutes"), integer("security.messagesPerSecond"),
    integer("security.messageBurst"), integer("security.loginFailuresPerUser"),
    integer("security.loginFailuresPerAddress"), integer("security.loginsPerAddress"),
    integer("security.loginSlowdownPerUser"), integer("security.passwordChecksAtOncePerAddress"),
    integer("security.registrationsPerAddress"), integer("security.requestsPerSecond"),
    integer("security.requestBurst"), integer("security.socketsPerUser"), integer("security.socketsPerAddress"),
    integer("security.socketLifetimeMinutes"),
    bool("metrics.enabled"), string("metrics.host"), integer("metrics.port"));

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
