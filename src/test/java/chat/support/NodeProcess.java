package chat.support;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A chat process started from the built jar, as an operator starts it; its output goes to a log file next to
 * its config. Always stopped, even when a test fails (close, or the JVM shutdown hook as a last resort).
 */
public final class NodeProcess implements AutoCloseable {

  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("chat.jar", "target/chat.jar"));
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " not built: run mvn package first");
    }
    return jar;
  }

  /** {@code java -jar chat.jar -conf <dir>/<name>.json} */
  public static NodeProcess node(Path dir, String name, JsonObject config) {
    return node(dir, name, config, Map.of());
  }

  /** The same, with these environment variables. */
  public static NodeProcess node(Path dir, String name, JsonObject config, Map<String, String> environment) {
    try {
      Path file = Files.writeString(dir.resolve(name + ".json"), config.encodePrettily());
      return start(dir, name, List.of("-jar", jar().toString(), "-conf", file.toString()), environment);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** HSQLDB's own server class from the same jar, as README shows it. */
  public static NodeProcess databaseServer(Path dir, int port) {
    return start(dir, "db", List.of("-cp", jar().toString(), "org.hsqldb.server.Server",
      "--database.0", "file:" + dir.resolve("db").resolve("chat"), "--dbname.0", "chat",
      "--address", "127.0.0.1", "--port", String.valueOf(port)), Map.of());
  }

  private static NodeProcess start(Path dir, String name, List<String> args, Map<String, String> environment) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args);
    Path log = dir.resolve(name + ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
      // only the test's own CHAT_ variables: a node takes every one as config (and refuses unknown ones), so
      // none from the shell that runs the build may change what the test starts
      builder.environment().keySet().removeIf(variable -> variable.startsWith("CHAT_"));
      builder.environment().putAll(environment);
      Process process = builder.start();
      return new NodeProcess(process, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook, no clean close. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM: the graceful stop an operator does. */
  public void stop() {
    terminate();
    awaitExit();
  }

  /** Sends SIGTERM and returns at once: the node drains while the test watches. */
  public void terminate() {
    process.destroy();
  }

  /** Waits up to 40 s for the process to end, then kills it. */
  public void awaitExit() {
    waitFor();
  }

  /** Completes when the process has ended, whoever ended it. */
  public java.util.concurrent.CompletableFuture<Void> onExit() {
    return process.onExit().thenAccept(ended -> { });
  }

  /** The exit status once the process has ended (143 after the JVM ran its shutdown hooks on SIGTERM). */
  public int exitValue() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      waitFor();
    }
  }
}
