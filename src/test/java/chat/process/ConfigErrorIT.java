package chat.process;

import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestNode;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real launcher against bad config files and environment variables: one line naming the problem, a non-zero
 * exit, nothing started; and a variable in its environment overriding the file.
 */
class ConfigErrorIT {

  @RegisterExtension
  static final ProcessFixture processes = ProcessFixture.perClass();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "missing file        | -                                   | not found",
    "bad JSON            | {\"http\": {                        | not a JSON object",
    "wrong type          | {\"http\": {\"port\": \"80\"}}      | 'http.port'",
    "port out of range   | {\"http\": {\"port\": 99999}}       | 'http.port'",
    "unknown section     | {\"htp\": {}}                       | 'htp'",
    "bad topic name      | {\"rooms\": [\"Bad Name\"]}         | 'rooms[0]'",
    "cluster port zero   | {\"cluster\": {\"port\": 0}}        | 'cluster.port'",
    "proxy by name       | {\"http\": {\"trustedProxies\": [\"proxy.lan\"]}} | 'http.trustedProxies[0]'",
    "missing certificate | {\"http\": {\"tls\": {\"certPath\": \"/nonexistent/cert.pem\", \"keyPath\": \"/nonexistent/key.pem\"}}} | 'http.tls.certPath': file not found",
    "not a certificate   | {\"http\": {\"tls\": {\"certPath\": \"config.json\", \"keyPath\": \"config.json\"}}} | 'http.tls.certPath': not a PEM certificate",
  })
  void badConfigStopsTheStartWithOneLineNamingTheKey(String why, String content, String expected) throws Exception {
    Path dir = TestNode.newDataDir();
    Path file = dir.resolve("config.json");
    if (!content.equals("-")) {
      Files.writeString(file, content);
    }
    assertRefusedWithOneLine(dir, file, Map.of(), expected);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
    "CHAT_HTTP_PROT | 9000 | chat: environment variable CHAT_HTTP_PROT: no config key has this name (known in http: ",
    "CHAT_HTTP_PORT | abc  | chat: config key 'http.port' (from CHAT_HTTP_PORT): expected an integer from 0 to 65535, got \"abc\"",
  })
  void badVariableStopsTheStartWithOneLineNamingIt(String variable, String value, String expected) throws Exception {
    Path dir = TestNode.newDataDir();
    // a port of its own, should the node start after all
    Path file = Files.writeString(dir.resolve("config.json"), new JsonObject().put("http", new JsonObject()
      .put("host", "127.0.0.1").put("port", Ports.free())).encode());
    assertRefusedWithOneLine(dir, file, Map.of(variable, value), expected);
  }

  @Test
  void portFromTheEnvironmentBeatsTheFile() {
    int filePort = Ports.free();
    int environmentPort = Ports.free();
    JsonObject config = ProcessFixture.nodeConfig(filePort,
      "jdbc:hsqldb:file:" + processes.dir().resolve("env-port").resolve("chat"));
    NodeProcess node = processes.start("env-port", config,
      Map.of("CHAT_HTTP_PORT", String.valueOf(environmentPort)));
    // healthy on the variable's port: the file's is not the one it listens on
    processes.awaitHealthy(node, config.copy().put("http", config.getJsonObject("http").copy()
      .put("port", environmentPort)), 1);
    assertTrue(node.log().contains("http port " + environmentPort), node.log());
  }

  /** The jar started on this file with only these CHAT_ variables: it exits 2 printing one line, starting nothing. */
  private static void assertRefusedWithOneLine(Path dir, Path file, Map<String, String> environment, String expected)
    throws Exception {
    ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
      .toString(), "-jar", NodeProcess.jar().toAbsolutePath().toString(), "-conf", file.toString()))
      .directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("CHAT_"));
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
      String output = new String(process.getInputStream().readAllBytes()).strip();
      assertEquals(2, process.exitValue(), "a configuration error");
      assertEquals(1, output.lines().count(), output);
      assertTrue(output.contains(expected), output);
      assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
    } finally {
      process.destroyForcibly(); // a node that did start (the test failed) must not outlive it
    }
  }
}
