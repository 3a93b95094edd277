package chat.process;

import chat.config.ChatConfig;
import chat.support.NodeProcess;
import chat.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A rolling downgrade meets a database a newer build migrated: the real launcher refuses it, exit code 2. */
class SchemaVersionIT {

  @Test
  void aNodeOlderThanItsDatabaseRefusesToStart() throws Exception {
    Path dir = TestNode.newDataDir();
    String url = "jdbc:hsqldb:file:" + dir.resolve("db").resolve("chat");
    // the database as this build leaves it, then a step only a newer build knows
    TestNode.start(dir, new JsonObject().put("db", new JsonObject().put("url", url))).close();
    try (Connection conn = DriverManager.getConnection(url, "SA", ""); Statement sql = conn.createStatement()) {
      sql.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\","
        + " \"script\", \"checksum\", \"installed_by\", \"execution_time\", \"success\") VALUES (99, '99',"
        + " 'from the future', 'SQL', 'V99__from_the_future.sql', 0, 'chat', 1, TRUE)");
      sql.execute("SHUTDOWN");
    }
    Path config = dir.resolve("config.json");
    Files.writeString(config, new JsonObject().put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("db", new JsonObject().put("url", url)).encode());
    ChatConfig.load(config, Map.of()); // the config itself is good: only the schema stops the start

    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-jar", NodeProcess.jar().toAbsolutePath().toString(), "-conf", config.toString()))
      .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("CHAT_")); // only the file speaks
    Process process = builder.start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits by itself");
    String output = new String(process.getInputStream().readAllBytes()).strip();
    assertEquals(2, process.exitValue(), output);
    List<String> refusals = output.lines().filter(line -> line.contains("refused to start")).toList();
    assertEquals(1, refusals.size(), output);
    assertTrue(refusals.get(0).contains("version 99, newer than the " + chat.support.Schema.newestVersion()
      + " this build knows"), refusals.get(0));
  }
}
