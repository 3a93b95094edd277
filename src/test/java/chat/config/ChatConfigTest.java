package chat.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    assertEquals(new ChatConfig.Cluster(false, "127.0.0.1", 5701, List.of("127.0.0.1:5701"), "chat", Optional.empty()),
      config.cluster());
    assertEquals(0, config.eventBus().port());
    assertEquals(12, config.security().bcryptCost());
    assertEquals(30, config.security().sessionTimeoutMinutes());
    assertEquals(new ChatConfig.Metrics(false, "127.0.0.1", 9100), config.metrics());
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
      files.filter(f -> f.toString().endsWith(".json")).forEach(ChatConfig::load);
    }
    assertEquals(ChatConfig.defaults().http(), ChatConfig.load(ChatConfig.DEFAULT_FILE).http());
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
    ConfigException missing = assertThrows(ConfigException.class, () -> ChatConfig.load(dir.resolve("nope.json")));
    assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"http\": ");
    ConfigException bad = assertThrows(ConfigException.class, () -> ChatConfig.load(broken));
    assertTrue(bad.getMessage().contains("not a JSON object"), bad.getMessage());
  }
}
