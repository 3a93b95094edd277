package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real processes from the built jar: an HSQLDB server and two clustered nodes, one of them killed with -9. */
class ClusterProcessIT {

  private final Path dir = TestNode.newDataDir();
  private final Vertx vertx = Vertx.vertx();
  private final List<NodeProcess> processes = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    processes.forEach(NodeProcess::close);
    vertx.close().await();
  }

  @Test
  void killedNodeLeavesTheOtherServingWithEveryAcceptedMessageStored() {
    int dbPort = Ports.free();
    processes.add(NodeProcess.databaseServer(dir, dbPort));
    TestCluster.awaitTrue("database server", () -> canConnect(dbPort));

    int hz1 = Ports.free();
    int hz2 = Ports.free();
    int http1 = Ports.free();
    int http2 = Ports.free();
    String dbUrl = "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat";
    NodeProcess node1 = node("node1", http1, hz1, List.of(hz1, hz2), dbUrl);
    NodeProcess node2 = node("node2", http2, hz2, List.of(hz1, hz2), dbUrl);
    awaitHealthy(node1, http1, 2);
    awaitHealthy(node2, http2, 2);

    // register on node 1, log in and chat on node 2 (and the other way round)
    Http onNode1 = new Http(vertx, http1);
    assertEquals(201, onNode1.post("/api/register", Http.registration("alice", "alice-password")).status());
    assertEquals(201, onNode1.post("/api/register", Http.registration("bob", "bob-password1")).status());
    Http alice = new Http(vertx, http2).logIn("alice", "alice-password");
    Http bob = new Http(vertx, http1).logIn("bob", "bob-password1");
    List<JsonObject> accepted = new ArrayList<>();
    long[] killedAt = new long[1];
    try (BridgeClient aliceBus = BridgeClient.connect(vertx, http2, alice.cookie());
         BridgeClient bobBus = BridgeClient.connect(vertx, http1, bob.cookie())) {
      aliceBus.register("chat.room.global");
      bobBus.register("chat.room.global");
      for (int i = 0; i < 5; i++) {
        accepted.add(sendAndSeeEverywhere(aliceBus, "alice " + i, aliceBus, bobBus));
        accepted.add(sendAndSeeEverywhere(bobBus, "bob " + i, aliceBus, bobBus));
      }

      killedAt[0] = System.nanoTime();
      node1.kill();

      for (int i = 0; i < 5; i++) {
        accepted.add(sendAndSeeEverywhere(aliceBus, "after kill " + i, aliceBus));
      }
      JsonArray history = aliceBus.request("chat.history", new JsonObject().put("room", "global")).body()
        .getJsonArray("messages");
      List<JsonObject> stored = new ArrayList<>();
      history.forEach(message -> stored.add((JsonObject) message));
      assertEquals(accepted, stored);
    }
    TestCluster.awaitTrue("node 2 alone", () -> health(http2).getInteger("clusterSize", 0) == 1);
    assertEquals("UP", health(http2).getString("status"));
    // bob's socket was on the killed node: he shows offline everywhere within 15 s
    TestCluster.awaitTrue("bob offline", () -> !alice.get("/api/users?q=bob").json().getJsonArray("users")
      .getJsonObject(0).getBoolean("online"));
    assertTrue(System.nanoTime() - killedAt[0] < java.time.Duration.ofSeconds(15).toNanos());
  }

  private static JsonObject sendAndSeeEverywhere(BridgeClient sender, String text, BridgeClient... members) {
    JsonObject stored = sender.request("chat.send", text(text)).body();
    for (BridgeClient member : members) {
      assertEquals(stored, member.next("chat.room.global"));
    }
    return stored;
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("room", "global").put("text", text);
  }

  private NodeProcess node(String name, int httpPort, int hazelcastPort, List<Integer> members, String dbUrl) {
    JsonArray memberList = new JsonArray();
    members.forEach(port -> memberList.add("127.0.0.1:" + port));
    JsonObject config = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
      .put("db", new JsonObject().put("url", dbUrl))
      .put("security", TestNode.generousLimits())
      .put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", hazelcastPort)
        .put("members", memberList).put("name", "it-" + dir.getFileName()));
    NodeProcess process = NodeProcess.node(dir, name, config);
    processes.add(process);
    return process;
  }

  private void awaitHealthy(NodeProcess process, int port, int clusterSize) {
    TestCluster.awaitTrue("healthy node on " + port, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("node exited:\n" + process.log());
      }
      JsonObject health = health(port);
      return "UP".equals(health.getString("status")) && health.getInteger("clusterSize") == clusterSize;
    });
  }

  private JsonObject health(int port) {
    try {
      return new Http(vertx, port).get("/health").json();
    } catch (RuntimeException notYet) {
      return new JsonObject();
    }
  }

  private static boolean canConnect(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
