package chat.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Several real clustered nodes in this JVM: Hazelcast over 127.0.0.1 TCP-IP with a cluster name of their own,
 * sharing one real HSQLDB server.
 */
public final class TestCluster implements AutoCloseable {

  /** A shared HSQLDB server, or one fresh PostgreSQL database when the tests run on PostgreSQL. */
  private final DatabaseServer database = TestDatabase.postgres() ? null : DatabaseServer.start();
  private final JsonObject db = database != null ? new JsonObject().put("url", database.url())
    : TestDatabase.forDataDir(TestNode.newDataDir());
  private final String name = "test-" + UUID.randomUUID();
  private final List<Integer> hazelcastPorts = new ArrayList<>();
  private final List<TestNode> nodes = new ArrayList<>();

  private final JsonObject extraConfig;

  public TestCluster(int size) {
    this(size, new JsonObject());
  }

  /** A cluster whose nodes have this config merged over the test defaults. */
  public TestCluster(int size, JsonObject extraConfig) {
    this.extraConfig = extraConfig;
    for (int i = 0; i < size; i++) {
      hazelcastPorts.add(Ports.free());
    }
    try {
      for (int i = 0; i < size; i++) {
        addNode();
      }
      awaitSize(size);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts one more node; it joins the running cluster. */
  public TestNode addNode() {
    int index = nodes.size();
    if (index >= hazelcastPorts.size()) {
      hazelcastPorts.add(Ports.free());
    }
    TestNode node = startNode(index);
    nodes.add(node);
    return node;
  }

  private TestNode startNode(int index) {
    JsonArray members = new JsonArray();
    hazelcastPorts.forEach(port -> members.add("127.0.0.1:" + port));
    JsonObject config = new JsonObject()
      .put("db", db)
      .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
        .put("port", hazelcastPorts.get(index)).put("members", members).put("name", name)
        // a node orders rooms as soon as it joins, as the tests' room owners expect; WarmUpTest sets one
        .put("warmUpSeconds", 0));
    return TestNode.start(TestNode.newDataDir(), config.mergeIn(extraConfig.copy(), true));
  }

  /** Stops node i (the graceful stop of SIGTERM) and starts a new one in its place, with the same member port. */
  public TestNode restart(int index) {
    nodes.get(index).close();
    awaitSize(nodes.size() - 1);
    TestNode again = startNode(index);
    nodes.set(index, again);
    awaitSize(nodes.size());
    return again;
  }

  /** HTTP ports of the nodes running now. */
  public java.util.List<Integer> livePorts() {
    return nodes.stream().filter(n -> !n.isClosed()).map(TestNode::port).toList();
  }

  public TestNode node(int index) {
    return nodes.get(index);
  }

  /** Waits until every running node sees exactly this many members. */
  public void awaitSize(int size) {
    awaitTrue("cluster of " + size, () -> nodes.stream().filter(n -> !n.isClosed())
      .allMatch(n -> n.node().clusterSize() == size));
  }

  public static void awaitTrue(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a bounded poll of the condition, not a wait-and-hope
    }
  }

  @Override
  public void close() {
    nodes.stream().filter(n -> !n.isClosed()).forEach(TestNode::close);
    if (database != null) {
      database.close();
    }
  }
}
