package chat.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatConfigTest {

  @Test
  void everyKeyHasItsDocumentedDefault() {
    ChatConfig config = ChatConfig.defaults();
    assertEquals(new ChatConfig.Http("0.0.0.0", 8080, false), config.http());
    assertEquals(new ChatConfig.Db("jdbc:hsqldb:file:data/chat", "SA", "", 8), config.db());
    assertEquals(List.of("general", "news", "sports", "tech"), config.rooms());
    assertEquals(new ChatConfig.Cluster(false, "127.0.0.1", 5701, List.of("127.0.0.1:5701"), "chat"), config.cluster());
    assertEquals(0, config.eventBus().port());
    assertEquals(12, config.security().bcryptCost());
    assertEquals(30, config.security().sessionTimeoutMinutes());
    assertEquals(new ChatConfig.Metrics(false, "127.0.0.1", 9100), config.metrics());
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
  })
  void badValueStopsTheStartNamingTheKey(String json, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> ChatConfig.fromJson(new JsonObject(json)));
    assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
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
