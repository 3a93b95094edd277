package chat.room;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that stops says so first: the others stop asking it for send tokens and room order at once, so a person
 * on another node whose sends it counted or ordered keeps sending without a pause while it goes (before, a send
 * waited out the 3 s peer timeout until Hazelcast saw the node gone: W8, issue 18).
 */
class LeavingNodeTest {

  /** Well under the 3 s a send waited for a node that had stopped answering. */
  private static final long PROMPT_MS = 1500;

  @Test
  void sendsCountedAndOrderedByAStoppingNodeGoOnWithoutAPause() throws Exception {
    Vertx vertx = Vertx.vertx();
    // a warm-up of a second, waited out, so the nodes pick the owners through the warm-up's own walk of the members
    JsonObject warmUp = new JsonObject().put("cluster", new JsonObject().put("warmUpSeconds", 1));
    try (TestCluster cluster = new TestCluster(2, warmUp)) {
      TestCluster.awaitTrue("both nodes ordering rooms", () -> cluster.node(0).node().orderingNodes().size() == 2
        && cluster.node(1).node().orderingNodes().size() == 2);
      List<String> live = List.of(cluster.node(0).node().nodeId(), cluster.node(1).node().nodeId());
      String leaving = live.get(1);
      // someone whose send rate node 2 counts, in a room node 2 orders if there is one, chatting on node 1
      String name = null;
      for (int i = 0; name == null && i < 1000; i++) {
        String candidate = Names.unique("stay");
        if (leaving.equals(RoomOwners.owner("user." + candidate.toLowerCase(), live))) {
          name = candidate;
        }
      }
      String room = List.of("global", "topic.general", "topic.news").stream()
        .filter(id -> leaving.equals(RoomOwners.owner(id, live))).findFirst().orElse("global");
      Http http = new Http(vertx, cluster.node(0).port()).signUp(name);
      try (BridgeClient bus = BridgeClient.connect(vertx, cluster.node(0).port(), http.cookie())) {
        assertFalse(bus.request("chat.send", new JsonObject().put("room", room).put("text", "before")).failed());

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.node(1).close());
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 300 && !stopped.isDone(); i++) {
          long start = System.nanoTime();
          BridgeClient.Reply reply = bus.request("chat.send", new JsonObject().put("room", room).put("text", "during " + i));
          waits.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
          assertFalse(reply.failed(), reply.frame().encode());
        }
        stopped.get(60, TimeUnit.SECONDS);
        assertTrue(waits.size() > 1, "sends while the node stopped: " + waits);
        assertTrue(waits.stream().allMatch(ms -> ms < PROMPT_MS), "every send answered promptly: " + waits);
        assertEquals(1, cluster.node(0).node().clusterSize());
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
