package chat.process;

import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFormatIT {

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  @Test
  void jsonLogsAreOneObjectPerLineWithoutSecrets() {
    int http = Ports.free();
    NodeProcess node = jsonLoggingNode(http);
    new Http(processes.vertx(), http).signUp("logger");
    assertEquals(401, new Http(processes.vertx(), http).post("/api/login",
      new JsonObject().put("username", "logger").put("password", "secret-guess-123")).status());
    node.stop();

    List<String> lines = logLines(node);
    assertAllJson(lines);
    assertTrue(lines.stream().anyMatch(l -> new JsonObject(l).getString("formattedMessage").startsWith("chat node ")));
    assertFalse(node.log().contains("secret-guess-123"), "no password in the log");
    assertFalse(node.log().contains(Http.passwordOf("logger")), "no password in the log");
  }

  /**
   * A node stopped the moment it serves is still starting its assistant: the stop waits for that start and then
   * closes everything, instead of the JVM exiting past half-started parts (which printed a stack trace, not JSON).
   */
  @Test
  void aNodeStoppedAsSoonAsItServesStopsCleanly() {
    NodeProcess node = jsonLoggingNode(Ports.free());
    node.stop();

    List<String> lines = logLines(node);
    assertAllJson(lines);
    assertTrue(lines.stream().map(l -> new JsonObject(l).getString("formattedMessage"))
      .anyMatch("chat node stopped"::equals), node.log());
  }

  /** A node on its own database with JSON logs, waited for until it serves. */
  private NodeProcess jsonLoggingNode(int http) {
    JsonObject config = ProcessFixture.nodeConfig(http,
      "jdbc:hsqldb:file:" + processes.dir().resolve("db").resolve("chat"));
    return processes.node("node", config, 1, Map.of("CHAT_LOG_FORMAT", "json"));
  }

  private static List<String> logLines(NodeProcess node) {
    return node.log().lines().filter(line -> !line.isBlank()).toList();
  }

  private static void assertAllJson(List<String> lines) {
    assertFalse(lines.isEmpty());
    for (String line : lines) {
      JsonObject event;
      try {
        event = new JsonObject(line); // every line is one JSON object
      } catch (DecodeException notJson) {
        throw new AssertionError("not a JSON log line: " + line);
      }
      assertTrue(event.containsKey("level") && event.containsKey("formattedMessage"), line);
    }
  }
}
