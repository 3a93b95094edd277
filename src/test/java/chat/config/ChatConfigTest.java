package chat.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatConfigTest {

  @Test
  void everyKeyHasItsDocumentedDefault() {
    ChatConfig config = ChatConfig.defaults();
    assertEquals(new ChatConfig.Http("0.0.0.0", 8080, false, List.of(), ChatConfig.ForwardedHeaders.X_FORWARDED,
      Optional.empty(), Optional.empty()), config.http());
    assertEquals(new ChatConfig.Db("jdbc:hsqldb:file:data/chat", "SA", "", 8), config.db());
    assertEquals(List.of("general", "news", "sports", "tech"), config.rooms());
    assertEquals(new ChatConfig.Cluster(false, "127.0.0.1", 5701, List.of("127.0.0.1:5701"), "chat", 30,
      Optional.empty()),
      config.cluster());
    assertEquals(0, config.eventBus().port());
    assertEquals(12, config.security().bcryptCost());
    assertEquals(30, config.security().sessionTimeoutMinutes());
    assertEquals(new ChatConfig.Metrics(false, "127.0.0.1", 9100), config.metrics());
    assertEquals(new ChatConfig.Presence(30), config.presence());
  }

  @Test
  void proxyKeysAreReadAndNormalised() {
    ChatConfig.Http http = ChatConfig.fromJson(new JsonObject().put("http", new JsonObject()
      .put("trustedProxies", new JsonArray().add("10.1.2.3/8").add("127.0.0.1").add("::ffff:192.168.0.1").add("fd00::/8"))
      .put("forwardedHeaders", "forwarded").put("publicOrigin", "HTTPS://Chat.Example.org:443"))).http();
    assertEquals(List.of(AddressRange.parse("10.0.0.0/8"), AddressRange.parse("127.0.0.1/32"),
      AddressRange.parse("192.168.0.1"), AddressRange.parse("fd00::/8")), http.trustedProxies());
    assertEquals(ChatConfig.ForwardedHeaders.FORWARDED, http.forwardedHeaders());
    assertEquals(Optional.of(new ChatConfig.PublicOrigin("https", "chat.example.org", -1)), http.publicOrigin());
    assertEquals(new ChatConfig.PublicOrigin("http", "[::1]", 8080), ChatConfig.fromJson(new JsonObject()
      .put("http", new JsonObject().put("publicOrigin", "http://[::1]:8080"))).http().publicOrigin().orElseThrow());
  }

  @Test
  void shippedConfigFilesLoad() throws Exception {
    try (var files = Files.list(Path.of("conf"))) {
      files.filter(f -> f.toString().endsWith(".json")).forEach(f -> ChatConfig.load(f, Map.of()));
    }
    assertEquals(ChatConfig.defaults().http(), ChatConfig.load(ChatConfig.DEFAULT_FILE, Map.of()).http());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "{\"http\": {\"port\": 70000}}                  | http.port",
    "{\"http\": {\"port\": -1}}                     | http.port",
    "{\"http\": {\"port\": \"8080\"}}               | http.port",
    "{\"http\": {\"port\": 80.5}}                   | http.port",
    "{\"http\": {\"host\": 7}}                      | http.host",
    "{\"http\": {\"hots\": \"x\"}}                  | http.hots",
    "{\"http\": []}                                 | http",
    "{\"db\": {\"url\": \"jdbc:mysql://x\"}}        | db.url",
    "{\"db\": {\"maxPoolSize\": 0}}                 | db.maxPoolSize",
    "{\"db\": {\"password\": null, \"user\": 1}}    | db.user",
    "{\"rooms\": [\"General\"]}                     | rooms[0]",
    "{\"rooms\": [\"ok\", \"ok\"]}                  | rooms[1]",
    "{\"rooms\": []}                                | rooms",
    "{\"rooms\": \"general\"}                       | rooms",
    "{\"cluster\": {\"enabled\": \"yes\"}}          | cluster.enabled",
    "{\"cluster\": {\"port\": 0}}                   | cluster.port",
    "{\"cluster\": {\"members\": [\"nohost\"]}}     | cluster.members[0]",
    "{\"cluster\": {\"name\": \"a b\"}}             | cluster.name",
    "{\"eventBus\": {\"port\": 65536}}              | eventBus.port",
    "{\"security\": {\"bcryptCost\": 3}}            | security.bcryptCost",
    "{\"extra\": {}}                                | extra",
    "{\"http\": {\"trustedProxies\": \"10.0.0.1\"}}   | http.trustedProxies",
    "{\"http\": {\"trustedProxies\": [\"proxy.lan\"]}} | http.trustedProxies[0]",
    "{\"http\": {\"trustedProxies\": [\"10.0.0.0/8\", \"10.0.0.0/33\"]}} | http.trustedProxies[1]",
    "{\"http\": {\"trustedProxies\": [\"fe80::1%eth0\"]}} | http.trustedProxies[0]",
    "{\"http\": {\"trustedProxies\": [\"10.0.0.1/\"]}}  | http.trustedProxies[0]",
    "{\"http\": {\"trustedProxies\": [7]}}          | http.trustedProxies[0]",
    "{\"http\": {\"forwardedHeaders\": \"all\"}}     | http.forwardedHeaders",
    "{\"http\": {\"publicOrigin\": \"chat.example.org\"}} | http.publicOrigin",
    "{\"http\": {\"publicOrigin\": \"https://chat.example.org/\"}} | http.publicOrigin",
    "{\"http\": {\"publicOrigin\": \"ftp://chat.example.org\"}} | http.publicOrigin",
    "{\"http\": {\"publicOrigin\": \"https://chat.example.org:0\"}} | http.publicOrigin",
    "{\"http\": {\"tls\": {\"certPath\": \"c.pem\"}}} | http.tls.keyPath",
    "{\"http\": {\"tls\": {\"cert\": \"c.pem\"}}}   | http.tls.cert",
    "{\"cluster\": {\"tls\": {\"certPath\": \"c.pem\", \"keyPath\": \"k.pem\"}}} | cluster.tls.caPath",
  })
  void badValueStopsTheStartNamingTheKey(String json, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> ChatConfig.fromJson(new JsonObject(json)));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideBoth(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8081))
      .put("db", new JsonObject().put("url", "jdbc:hsqldb:file:from-file").put("user", "fileuser"))
      .put("security", new JsonObject().put("loginsPerAddress", 5).put("bcryptCost", 10)).encode());
    ChatConfig config = load(file, Map.of("CHAT_HTTP_PORT", "9000", "CHAT_DB_URL", "jdbc:hsqldb:file:from-env",
        "CHAT_SECURITY_LOGINSPERADDRESS", "7"),
      Map.of("chat.http.port", "9100", "chat.db.user", "propuser"));
    assertEquals(9100, config.http().port(), "a system property beats the environment");
    assertEquals("jdbc:hsqldb:file:from-env", config.db().url(), "the environment beats the file");
    assertEquals("propuser", config.db().user(), "a system property beats the file");
    assertEquals(7, config.security().loginsPerAddress(), "camelCase keys are just upper-cased");
    assertEquals("127.0.0.1", config.http().host(), "what nobody overrides stays the file's");
    assertEquals(10, config.security().bcryptCost());
  }

  @Test
  void valuesAreConvertedToTheTypeOfTheirKey(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"),
      "{\"http\": {\"trustedProxies\": [\"10.0.0.1\"]}, \"db\": {\"password\": \"secret\"}}");
    ChatConfig config = load(file, Map.of("CHAT_CLUSTER_ENABLED", "true", "CHAT_CLUSTER_PORT", "5801",
      "CHAT_CLUSTER_MEMBERS", "a:5701, b.example:5702", "CHAT_ROOMS", "one,two", "CHAT_HTTP_TRUSTEDPROXIES", "",
      "CHAT_DB_PASSWORD", "", "CHAT_EVENTBUS_PORT", "6000", "CHAT_HTTP_FORWARDEDHEADERS", "forwarded"), Map.of(
      "chat.http.secureCookie", "true", "chat.metrics.port", "9200"));
    assertTrue(config.cluster().enabled());
    assertEquals(5801, config.cluster().port());
    assertEquals(List.of("a:5701", "b.example:5702"), config.cluster().members(), "a list is split at commas");
    assertEquals(List.of("one", "two"), config.rooms());
    assertEquals(List.of(), config.http().trustedProxies(), "an empty list clears the file's");
    assertEquals("", config.db().password(), "an empty string is a value");
    assertEquals(6000, config.eventBus().port());
    assertEquals(ChatConfig.ForwardedHeaders.FORWARDED, config.http().forwardedHeaders());
    assertTrue(config.http().secureCookie());
    assertEquals(9200, config.metrics().port());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "CHAT_HTTP_PORT          | abc        | config key 'http.port' (from CHAT_HTTP_PORT): expected an integer from 0 to 65535, got \"abc\"",
    "CHAT_HTTP_PORT          | 70000      | config key 'http.port' (from CHAT_HTTP_PORT): expected an integer from 0 to 65535, got 70000",
    "CHAT_HTTP_PORT          | 99999999999999999999 | config key 'http.port' (from CHAT_HTTP_PORT): expected an integer from 0 to 65535, got \"99999999999999999999\"",
    "CHAT_CLUSTER_ENABLED    | yes        | config key 'cluster.enabled' (from CHAT_CLUSTER_ENABLED): expected true or false, got \"yes\"",
    "CHAT_CLUSTER_MEMBERS    | a:5701,b   | config key 'cluster.members[1]' (from CHAT_CLUSTER_MEMBERS): expected \"host:port\", got \"b\"",
    "CHAT_ROOMS              | ''         | config key 'rooms' (from CHAT_ROOMS): expected a non-empty array of topic names, got []",
    "CHAT_ROOMS              | ok,Bad     | config key 'rooms[1]' (from CHAT_ROOMS): expected a topic name matching [a-z0-9-]{1,32}, got \"Bad\"",
    "CHAT_HTTP_TRUSTEDPROXIES | proxy.lan | config key 'http.trustedProxies[0]' (from CHAT_HTTP_TRUSTEDPROXIES): expected an IP address or CIDR range such as \"10.0.0.0/8\" (no host names), got \"proxy.lan\"",
    "CHAT_SECURITY_BCRYPTCOST | 3         | config key 'security.bcryptCost' (from CHAT_SECURITY_BCRYPTCOST): expected an integer from 4 to 16, got 3",
    "CHAT_DB_USER            | ''         | config key 'db.user' (from CHAT_DB_USER): expected a non-empty string, got \"\"",
    "CHAT_DB_URL             | jdbc:mysql://x | config key 'db.url' (from CHAT_DB_URL): expected a jdbc:hsqldb: or jdbc:postgresql: URL, got \"jdbc:mysql://x\"",
    "CHAT_HTTP_TLS_CERTPATH  | /nonexistent/cert.pem | config key 'http.tls.certPath' (from CHAT_HTTP_TLS_CERTPATH): file not found: /nonexistent/cert.pem",
  })
  void aBadValueNamesTheKeyAndTheVariable(String variable, String value, String expected, @TempDir Path dir)
    throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"),
      "{\"http\": {\"tls\": {\"certPath\": \"c.pem\", \"keyPath\": \"/nonexistent/key.pem\"}}}");
    Path noTls = Files.writeString(dir.resolve("plain.json"), "{}");
    ConfigException e = assertThrows(ConfigException.class,
      () -> load(variable.startsWith("CHAT_HTTP_TLS") ? file : noTls, Map.of(variable, value), Map.of()));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void aBadSystemPropertyIsNamedAsItWasGiven(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), "{}");
    ConfigException bad = assertThrows(ConfigException.class,
      () -> load(file, Map.of("CHAT_HTTP_PORT", "9000"), Map.of("chat.http.port", "abc")));
    assertEquals("config key 'http.port' (from -Dchat.http.port): expected an integer from 0 to 65535, got \"abc\"",
      bad.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class,
      () -> load(file, Map.of(), Map.of("chat.metrics.prot", "1")));
    assertEquals("config key 'metrics.prot' (from -Dchat.metrics.prot): unknown key (allowed: enabled, host, port)",
      unknown.getMessage());
    ConfigException section = assertThrows(ConfigException.class,
      () -> load(file, Map.of(), Map.of("chat.http.tls", "on")));
    assertTrue(section.getMessage().startsWith("config key 'http.tls' (from -Dchat.http.tls): a section"),
      section.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "CHAT_HTTP_PROT         | environment variable CHAT_HTTP_PROT: no config key has this name (known in http: CHAT_HTTP_HOST, CHAT_HTTP_PORT, CHAT_HTTP_SECURECOOKIE, CHAT_HTTP_TRUSTEDPROXIES, CHAT_HTTP_FORWARDEDHEADERS, CHAT_HTTP_PUBLICORIGIN, CHAT_HTTP_TLS_*)",
    "CHAT_HTTP_TLS          | environment variable CHAT_HTTP_TLS: no config key has this name (known in http: CHAT_HTTP_HOST, CHAT_HTTP_PORT, CHAT_HTTP_SECURECOOKIE, CHAT_HTTP_TRUSTEDPROXIES, CHAT_HTTP_FORWARDEDHEADERS, CHAT_HTTP_PUBLICORIGIN, CHAT_HTTP_TLS_*)",
    "CHAT_CLUSTER_TLS_CA    | environment variable CHAT_CLUSTER_TLS_CA: no config key has this name (known in cluster.tls: CHAT_CLUSTER_TLS_CERTPATH, CHAT_CLUSTER_TLS_KEYPATH, CHAT_CLUSTER_TLS_CAPATH)",
    "CHAT_PORT              | environment variable CHAT_PORT: no config key has this name (known: CHAT_HTTP_*, CHAT_DB_*, CHAT_ROOMS, CHAT_CLUSTER_*, CHAT_EVENTBUS_*, CHAT_SECURITY_*, CHAT_METRICS_*, CHAT_CHANNELS_*, CHAT_FILES_*, CHAT_BOTS_*, CHAT_PRESENCE_*)",
    "CHAT_SECURITY_LOGINS_PER_ADDRESS | environment variable CHAT_SECURITY_LOGINS_PER_ADDRESS: no config key has this name (known in security: CHAT_SECURITY_BCRYPTCOST, CHAT_SECURITY_SESSIONTIMEOUTMINUTES, CHAT_SECURITY_MESSAGESPERSECOND, CHAT_SECURITY_MESSAGEBURST, CHAT_SECURITY_LOGINFAILURESPERUSER, CHAT_SECURITY_LOGINFAILURESPERADDRESS, CHAT_SECURITY_LOGINSPERADDRESS, CHAT_SECURITY_LOGINSLOWDOWNPERUSER, CHAT_SECURITY_PASSWORDCHECKSATONCEPERADDRESS, CHAT_SECURITY_REGISTRATIONSPERADDRESS, CHAT_SECURITY_REQUESTSPERSECOND, CHAT_SECURITY_REQUESTBURST, CHAT_SECURITY_SOCKETSPERUSER, CHAT_SECURITY_SOCKETSPERADDRESS, CHAT_SECURITY_SOCKETLIFETIMEMINUTES)",
  })
  void anUnknownChatVariableStopsTheStartNamingIt(String variable, String expected, @TempDir Path dir)
    throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), "{}");
    ConfigException e = assertThrows(ConfigException.class,
      () -> load(file, Map.of("CHAT_HTTP_PORT", "9000", variable, "1"), Map.of()));
    assertEquals(expected, e.getMessage());
  }

  @Test
  void namesThatAreNotConfigAreLeftAlone(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), "{}");
    // the log format (logback.xml), other programs' variables, and the build's and tests' chat.* properties
    ChatConfig config = load(file, Map.of("CHAT_LOG_FORMAT", "json", "PATH", "/usr/bin", "chat_http_port", "1"),
      Map.of("chat.jar", "target/chat.jar", "chat.test.db", "postgresql", "chat.skipPostgresTests", "true",
        "CHAT_HTTP_PORT", "1"));
    assertEquals(ChatConfig.defaults(), config);
  }

  @Test
  void aSectionTheFileHasAsSomethingElseIsTheFilesError(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"http\": 5}");
    ConfigException e = assertThrows(ConfigException.class, () -> load(file, Map.of("CHAT_HTTP_PORT", "9000"), Map.of()));
    assertEquals("config key 'http': expected an object, got 5", e.getMessage());
  }

  @Test
  void everyKeyHasItsOwnVariableAndReadmeNamesIt() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Set<String> variables = new HashSet<>();
    for (ConfigKey key : ConfigKey.ALL) {
      assertTrue(variables.add(key.variable()), "two keys would share " + key.variable());
      assertTrue(readme.contains("`" + key.variable() + "`"), "README's config table names " + key.variable());
    }
  }

  /** The environment as given; the system properties set for the call only (a JVM can set its own). */
  private static ChatConfig load(Path file, Map<String, String> environment, Map<String, String> properties) {
    Map<String, String> before = new HashMap<>();
    properties.keySet().forEach(name -> before.put(name, System.getProperty(name)));
    properties.forEach(System::setProperty);
    try {
      return ChatConfig.load(file, environment);
    } finally {
      before.forEach((name, value) -> {
        if (value == null) {
          System.clearProperty(name);
        } else {
          System.setProperty(name, value);
        }
      });
    }
  }

  /** ConfigKey.ALL is what the sections allow; each key in it must also be one fromJson reads and checks. */
  @Test
  void everyKeyOfTheTableIsReadAndChecked() {
    for (ConfigKey key : ConfigKey.ALL) {
      JsonObject json = new JsonObject();
      String section = key.path().contains(".") ? key.path().substring(0, key.path().lastIndexOf('.')) : "";
      if (section.endsWith(".tls")) {
        // a tls section's paths are all read before any is checked: give the others a value
        ConfigKey.namesIn(section).forEach(name -> put(json, section + "." + name, "x"));
      }
      put(json, key.path(), new JsonObject().put("wrong", "type"));
      ConfigException e = assertThrows(ConfigException.class, () -> ChatConfig.fromJson(json), key.path());
      assertTrue(e.getMessage().startsWith("config key '" + key.path() + "'"), e.getMessage());
    }
  }

  private static void put(JsonObject json, String path, Object value) {
    String[] names = path.split("\\.");
    JsonObject section = json;
    for (int i = 0; i < names.length - 1; i++) {
      if (!section.containsKey(names[i])) {
        section.put(names[i], new JsonObject());
      }
      section = section.getJsonObject(names[i]);
    }
    section.put(names[names.length - 1], value);
  }

  @Test
  void missingOrBrokenFileIsOneLine(@TempDir Path dir) throws Exception {
    ConfigException missing = assertThrows(ConfigException.class, () -> ChatConfig.load(dir.resolve("nope.json"), Map.of()));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"http\": ");
    ConfigException bad = assertThrows(ConfigException.class, () -> ChatConfig.load(broken, Map.of()));
    assertTrue(bad.getMessage().contains("not a JSON object"), bad.getMessage());
    for (String notAnObject : List.of("", "[1]", "null", "7")) {
      Path file = Files.writeString(dir.resolve("other.json"), notAnObject);
      ConfigException e = assertThrows(ConfigException.class, () -> ChatConfig.load(file, Map.of()), notAnObject);
      assertEquals("config file is not a JSON object: " + file, e.getMessage());
    }
    ConfigException folder = assertThrows(ConfigException.class, () -> ChatConfig.load(dir, Map.of()));
    assertTrue(folder.getMessage().startsWith("config file unreadable: " + dir), folder.getMessage());
  }

  @Test
  void fileSizesMayPassTwoGibibytes() {
    ChatConfig.Files files = ChatConfig.fromJson(new JsonObject().put("files", new JsonObject()
      .put("quotaBytes", 10L * 1024 * 1024 * 1024).put("maxBytes", 3L * 1024 * 1024 * 1024))).files();
    assertEquals(10L * 1024 * 1024 * 1024, files.quotaBytes());
    assertEquals(3L * 1024 * 1024 * 1024, files.maxBytes());
    assertThrows(ConfigException.class, () -> ChatConfig.fromJson(new JsonObject().put("files", new JsonObject()
      .put("maxPixels", 3L * 1024 * 1024 * 1024))));
  }
}
