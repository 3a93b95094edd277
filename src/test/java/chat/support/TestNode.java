package chat.support;

import chat.app.ChatNode;
import chat.config.ChatConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A real chat node for tests: HTTP on a free port, a fresh HSQLDB file database in a temp folder. */
public final class TestNode implements AutoCloseable {

  public static final int TEST_BCRYPT_COST = 4;

  private final ChatNode node;
  private final Path dataDir;
  private final JsonObject config;
  private boolean closed;

  private TestNode(ChatNode node, Path dataDir, JsonObject config) {
    this.node = node;
    this.dataDir = dataDir;
    this.config = config;
  }

  /** A node on a new database. */
  public static TestNode start() {
    return start(newDataDir(), new JsonObject());
  }

  /** A node on the database in dataDir, with extra config merged over the test defaults. */
  public static TestNode start(Path dataDir, JsonObject extra) {
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
      .put("db", TestDatabase.forDataDir(dataDir))
      .put("security", generousLimits())
      .put("rooms", new JsonArray().add("general").add("news"))
      // a closed socket is an offline user at once, as the tests that wait for it expect; PresenceGraceTest sets one
      .put("presence", new JsonObject().put("offlineGraceSeconds", 0))
      .mergeIn(extra, true);
    try {
      ChatNode node = ChatNode.start(ChatConfig.fromJson(config)).await(60, TimeUnit.SECONDS);
      return new TestNode(node, dataDir, config);
    } catch (Exception e) {
      throw new IllegalStateException("test node did not start", e);
    }
  }

  /**
   * Tests make many accounts and messages from 127.0.0.1 quickly; the throttling tests set the real limits.
   */
  public static JsonObject generousLimits() {
    return new JsonObject().put("bcryptCost", TEST_BCRYPT_COST).put("messagesPerSecond", 10_000)
      .put("messageBurst", 10_000).put("loginFailuresPerUser", 1000).put("loginFailuresPerAddress", 100_000)
      .put("loginsPerAddress", 1_000_000).put("loginSlowdownPerUser", 1_000_000)
      .put("passwordChecksAtOncePerAddress", 1_000_000)
      .put("registrationsPerAddress", 100_000).put("requestsPerSecond", 100_000).put("requestBurst", 100_000)
      .put("socketsPerUser", 10_000).put("socketsPerAddress", 100_000);
  }

  public static Path newDataDir() {
    try {
      return Files.createTempDirectory("chat-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return node.httpPort();
  }

  public ChatNode node() {
    return node;
  }

  public Path dataDir() {
    return dataDir;
  }

  public JsonObject config() {
    return config;
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test node did not stop", e);
    }
  }
}
