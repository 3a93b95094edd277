package chat.process;

import chat.support.NodeProcess;
import chat.support.TestNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real launcher against bad config files: one line naming the problem, a non-zero exit, nothing started. */
class ConfigErrorIT {

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
    Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-jar", NodeProcess.jar().toAbsolutePath().toString(), "-conf", file.toString()))
      .directory(dir.toFile()).redirectErrorStream(true).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits by itself");
    String output = new String(process.getInputStream().readAllBytes()).strip();
    assertEquals(2, process.exitValue(), "a configuration error");
    assertEquals(1, output.lines().count(), output);
    assertTrue(output.contains(expected), output);
    assertFalse(Files.exists(dir.resolve("data")), "nothing was started");
  }
}
