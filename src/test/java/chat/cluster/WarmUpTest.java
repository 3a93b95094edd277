package chat.cluster;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that joins a running cluster orders no room and counts no send rate until it has been up for
 * cluster.warmUpSeconds: the nodes already there keep that work while it compiles its code and takes its users back
 * (W8 of issue 18). Every node agrees on it, the joining one included, and its users chat from the first second.
 */
class WarmUpTest {

  /** Longer than a node takes to start and join here, so the test sees the joined node still warming up. */
  private static final int WARM_UP_SECONDS = 15;

  @Test
  void aJoiningNodeLeavesTheRoomsToTheOthersUntilItIsWarm() throws Exception {
    Vertx vertx = Vertx.vertx();
    JsonObject warmUp = new JsonObject().put("cluster", new JsonObject().put("warmUpSeconds", WARM_UP_SECONDS));
    try (TestCluster cluster = new TestCluster(1, warmUp)) {
      TestNode first = cluster.node(0);
      String firstId = first.node().nodeId();
      assertEquals(List.of(firstId), first.node().orderingNodes(), "a node alone orders its rooms at once");
      assertFalse(health(vertx, first).getBoolean("warmingUp"));

      long joining = System.nanoTime();
      TestNode second = cluster.addNode();
      cluster.awaitSize(2);
      long joinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joining);
      assertTrue(joinedMs < WARM_UP_SECONDS * 1000L, "the node joined within its warm-up: " + joinedMs + " ms");
      assertEquals(List.of(firstId), first.node().orderingNodes(), "the first node's view");
      assertEquals(List.of(firstId), second.node().orderingNodes(), "the joining node's own view");
      assertTrue(health(vertx, second).getBoolean("warmingUp"));
      assertFalse(health(vertx, first).getBoolean("warmingUp"));

      // its users chat all the same: their sends are ordered by the first node meanwhile
      Http http = new Http(vertx, second.port()).signUp(Names.unique("warm"));
      try (BridgeClient bus = BridgeClient.connect(vertx, second.port(), http.cookie())) {
        BridgeClient.Reply sent = bus.request("chat.send", new JsonObject().put("room", "global").put("text", "hi"));
        assertFalse(sent.failed(), sent.frame().encode());
      }

      TestCluster.awaitTrue("both nodes ordering rooms", () -> first.node().orderingNodes().size() == 2
        && second.node().orderingNodes().size() == 2);
      long warmMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joining);
      // the node's start is its own clock's, taken after `joining`; 100 ms for the two clocks' rounding
      assertTrue(warmMs >= WARM_UP_SECONDS * 1000L - 100, "ordering only after the warm-up: " + warmMs + " ms");
      assertEquals(first.node().orderingNodes().stream().sorted().toList(),
        second.node().orderingNodes().stream().sorted().toList());
      assertFalse(health(vertx, second).getBoolean("warmingUp"));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static JsonObject health(Vertx vertx, TestNode node) {
    Http.Response response = new Http(vertx, node.port()).get("/health");
    assertEquals(200, response.status(), response.body());
    return response.json();
  }
}
