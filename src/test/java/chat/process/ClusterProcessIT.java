package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes from the built jar: an HSQLDB server and two clustered nodes, one of them killed with -9 (with a
 * reminder asked for on it still to come, which the other node's assistant posts once).
 */
class ClusterProcessIT {

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  /** The presence grace of these nodes: short, as the test waits for a user of the killed node to show offline. */
  private static final int GRACE_SECONDS = 5;

  @Test
  void killedNodeLeavesTheOtherServingWithEveryAcceptedMessageStored() {
    int dbPort = Ports.free();
    processes.database(dbPort);

    int hz1 = Ports.free();
    int hz2 = Ports.free();
    int http1 = Ports.free();
    int http2 = Ports.free();
    String dbUrl = "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat";
    NodeProcess node1 = processes.node("node1", clusterNode(http1, hz1, List.of(hz1, hz2), dbUrl), 1);
    NodeProcess node2 = processes.node("node2", clusterNode(http2, hz2, List.of(hz1, hz2), dbUrl), 2);
    TestCluster.awaitTrue("both nodes see two members", () -> health(http1).getInteger("clusterSize", 0) == 2);
    // on 2 cores the JDK's common pool would have one thread, and Hazelcast a new thread per asynchronous call
    assertFalse(node2.log().contains("common pool has one thread"), node2.log());
    if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
      assertTrue(node2.log().contains("transport epoll"), node2.log());
    }

    // register on node 1, log in and chat on node 2 (and the other way round)
    Http onNode1 = new Http(processes.vertx(), http1);
    assertEquals(201, onNode1.post("/api/register", Http.registration("alice", "alice-password")).status());
    assertEquals(201, onNode1.post("/api/register", Http.registration("bob", "bob-password1")).status());
    Http alice = new Http(processes.vertx(), http2).logIn("alice", "alice-password");
    Http bob = new Http(processes.vertx(), http1).logIn("bob", "bob-password1");
    List<JsonObject> accepted = new ArrayList<>();
    long[] killedAt = new long[1];
    try (BridgeClient aliceBus = BridgeClient.connect(processes.vertx(), http2, alice.cookie());
         BridgeClient bobBus = BridgeClient.connect(processes.vertx(), http1, bob.cookie())) {
      aliceBus.register("chat.room.global");
      bobBus.register("chat.room.global");
      for (int i = 0; i < 5; i++) {
        accepted.add(sendAndSeeEverywhere(aliceBus, "alice " + i, aliceBus, bobBus));
        accepted.add(sendAndSeeEverywhere(bobBus, "bob " + i, aliceBus, bobBus));
      }

      // bob asks the assistant, on node 1, for a reminder due after node 1 is gone
      bobBus.register("chat.user.bob");
      TestCluster.awaitTrue("the assistant online", () -> bob.get("/api/users?q=assistant").json()
        .getJsonArray("users").getJsonObject(0).getBoolean("online", false));
      assertFalse(bobBus.request("chat.send", text("/remind in 4s the node I asked on was killed")).failed());
      String answer = bobBus.takeTyped("ephemeral").getString("text");
      assertTrue(answer.startsWith("I will remind you privately"), answer);

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
    // bob's socket was on the killed node: he shows offline everywhere once the node is found gone and the grace
    // has passed, within 20 s
    TestCluster.awaitTrue("bob offline", () -> !alice.get("/api/users?q=bob").json().getJsonArray("users")
      .getJsonObject(0).getBoolean("online"));
    assertTrue(System.nanoTime() - killedAt[0] < java.time.Duration.ofSeconds(15 + GRACE_SECONDS).toNanos());

    // node 2's assistant posts bob's reminder, once
    Http bobAgain = new Http(processes.vertx(), http2).logIn("bob", "bob-password1");
    try (BridgeClient bobBus = BridgeClient.connect(processes.vertx(), http2, bobAgain.cookie())) {
      List<String> reminders = new ArrayList<>();
      TestCluster.awaitTrue("bob's reminder", () -> {
        reminders.clear();
        bobBus.historyAfter("dm.assistant.bob", 0).forEach(m -> reminders.add(m.getString("text")));
        return !reminders.isEmpty();
      });
      assertEquals(List.of("⏰ Reminder: the node I asked on was killed"), reminders);
    }
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

  private JsonObject clusterNode(int httpPort, int hazelcastPort, List<Integer> members, String dbUrl) {
    return ProcessFixture.nodeConfig(httpPort, dbUrl).put("cluster", processes.clusterSection(hazelcastPort, members))
      .put("presence", new JsonObject().put("offlineGraceSeconds", GRACE_SECONDS));
  }

  private JsonObject health(int port) {
    return processes.health(port);
  }
}
