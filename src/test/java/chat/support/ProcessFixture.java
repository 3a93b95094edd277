package chat.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * Processes started from the built jar for one test, in a fresh folder, every one of them stopped after the
 * test whatever happened: {@code @RegisterExtension final ProcessFixture processes = new ProcessFixture();}, or
 * shared by the tests of a class: {@code @RegisterExtension static final ProcessFixture processes =
 * ProcessFixture.perClass();}
 */
public final class ProcessFixture implements AfterEachCallback, AfterAllCallback {

  private final Path dir = TestNode.newDataDir();
  private final Vertx vertx = Vertx.vertx();
  private final List<NodeProcess> started = new ArrayList<>();
  private final List<String> postgresDatabases = new ArrayList<>();
  private final List<AutoCloseable> others = new ArrayList<>();
  private final boolean perClass;

  public ProcessFixture() {
    this(false);
  }

  private ProcessFixture(boolean perClass) {
    this.perClass = perClass;
  }

  /** Processes kept for all the tests of a class, stopped after the last. */
  public static ProcessFixture perClass() {
    return new ProcessFixture(true);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      stopAll();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (perClass) {
      stopAll();
    }
  }

  /** Something else this fixture stops, first, when it stops its processes (e.g. a proxy in front of them). */
  public <T extends AutoCloseable> T stopsWithIt(T other) {
    others.add(other);
    return other;
  }

  private void stopAll() {
    others.forEach(other -> {
      try {
        other.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    started.forEach(NodeProcess::close);
    vertx.close().await();
    postgresDatabases.forEach(TestDatabase::dropPostgres);
  }

  public Path dir() {
    return dir;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A node from this config, waited for until its /health is UP with the given cluster size. */
  public NodeProcess node(String name, JsonObject config, int clusterSize) {
    return node(name, config, clusterSize, java.util.Map.of());
  }

  public NodeProcess node(String name, JsonObject config, int clusterSize, java.util.Map<String, String> environment) {
    NodeProcess node = start(name, config, environment);
    awaitHealthy(node, config, clusterSize);
    return node;
  }

  /** A node from this config, not waited for (several can then start at once). */
  public NodeProcess start(String name, JsonObject config, java.util.Map<String, String> environment) {
    NodeProcess node = NodeProcess.node(dir, name, config, environment);
    started.add(node);
    return node;
  }

  /** Waits until the node started from this config answers /health UP with the given cluster size. */
  public void awaitHealthy(NodeProcess node, JsonObject config, int clusterSize) {
    int port = config.getJsonObject("http").getInteger("port");
    AtomicReference<JsonObject> last = new AtomicReference<>(new JsonObject());
    try {
      TestCluster.awaitTrue("healthy node on " + port, () -> {
        if (!node.isAlive()) {
          throw new NodeExited(node.log());
        }
        JsonObject health = health(port);
        last.set(health);
        return "UP".equals(health.getString("status")) && health.getInteger("clusterSize", 0) == clusterSize;
      });
    } catch (NodeExited exited) {
      throw exited; // its message holds the whole log already
    } catch (AssertionError timedOut) {
      // the process folder goes with the test: what the node said is the only trace left of why it never got there
      throw new AssertionError(timedOut.getMessage() + " of cluster size " + clusterSize + "; its last /health: "
        + last.get().encode() + "; the end of its log:\n" + tail(node.log(), 80), timedOut);
    }
  }

  private static final class NodeExited extends AssertionError {
    NodeExited(String log) {
      super("node exited:\n" + log);
    }
  }

  private static String tail(String log, int lines) {
    List<String> all = log.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** HSQLDB's server from the jar on this port, waited for until it accepts connections. */
  public NodeProcess database(int port) {
    NodeProcess db = NodeProcess.databaseServer(dir, port);
    started.add(db);
    TestCluster.awaitTrue("database server on " + port, () -> accepts(port));
    return db;
  }

  /**
   * A new, empty PostgreSQL database on 127.0.0.1:5432 for this test's processes (role chat/chat, as README's
   * recipe), dropped after the test once they are stopped. Its db config section.
   */
  public JsonObject postgresDatabase() {
    String name = TestDatabase.postgresName(dir);
    postgresDatabases.add(name);
    return TestDatabase.createPostgres(name);
  }

  /** The node's /health answer, or an empty object while it does not answer. */
  public JsonObject health(int port) {
    Http http = new Http(vertx, port);
    try {
      return http.get("/health").json();
    } catch (RuntimeException notYet) {
      return new JsonObject();
    } finally {
      http.close();
    }
  }

  /** A node config on 127.0.0.1 with the test limits. */
  public static JsonObject nodeConfig(int httpPort, String dbUrl) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
      .put("db", new JsonObject().put("url", dbUrl))
      .put("security", TestNode.generousLimits());
  }

  /** The cluster section of a node that joins the others listed (Hazelcast ports on 127.0.0.1), named per test. */
  public JsonObject clusterSection(int hazelcastPort, List<Integer> members) {
    JsonArray memberList = new JsonArray();
    members.forEach(port -> memberList.add("127.0.0.1:" + port));
    return new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", hazelcastPort)
      .put("members", memberList).put("name", "it-" + dir.getFileName());
  }

  /** Two clustered nodes on one HSQLDB server: the database's JDBC URL and the nodes' HTTP ports. */
  public record TwoNodes(String dbUrl, int[] http) {
  }

  /**
   * An HSQLDB server and two nodes that cluster, started at once and waited for until both are UP in a cluster of
   * two. Each node's config is {@code config(httpPort, dbUrl)} with the cluster section added.
   */
  public TwoNodes twoNodes(BiFunction<Integer, String, JsonObject> config) {
    int dbPort = Ports.free();
    database(dbPort);
    String dbUrl = "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat";
    List<Integer> hazelcast = List.of(Ports.free(), Ports.free());
    int[] http = {Ports.free(), Ports.free()};
    List<JsonObject> configs = new ArrayList<>();
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      configs.add(config.apply(http[i], dbUrl).put("cluster", clusterSection(hazelcast.get(i), hazelcast)));
      nodes.add(start("node" + (i + 1), configs.get(i), java.util.Map.of()));
    }
    for (int i = 0; i < 2; i++) {
      awaitHealthy(nodes.get(i), configs.get(i), 2);
    }
    return new TwoNodes(dbUrl, http);
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
