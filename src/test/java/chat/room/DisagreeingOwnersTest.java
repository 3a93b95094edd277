package chat.room;

import chat.bus.Addresses;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Two nodes that each take themselves for a room's owner, as they do for a moment whenever the cluster changes
 * (here for as long as the test runs: the first node has been told the second is leaving, the second has not):
 * both order the room's sends, taking it over from each other again and again, and every member still gets every
 * acknowledged message once, in id order, with none refused.
 */
class DisagreeingOwnersTest {

  /** Under the 16 requests a socket may have in flight. */
  private static final int BURST = 12;
  private static final int BURSTS = 15;

  @Test
  void twoNodesThatBothOrderARoomTakeItInTurnsAndKeepItsOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<BridgeClient> sockets = new ArrayList<>();
    try (TestCluster cluster = new TestCluster(2)) {
      TestNode first = cluster.node(0);
      TestNode second = cluster.node(1);
      PrivatePair pair = PrivatePair.ownedBy(second, first);
      // both accounts first: a private room opens only between two people who exist
      Http aliceHttp = new Http(vertx, first.port()).signUp(pair.alice());
      Http bobHttp = new Http(vertx, second.port()).signUp(pair.bob());
      BridgeClient aliceBus = pair.listening(vertx, first, aliceHttp, sockets);
      BridgeClient bobBus = pair.listening(vertx, second, bobHttp, sockets);
      String address = "chat.room." + pair.room();

      // the first node now orders every room itself; the second still orders this one
      first.node().vertx().eventBus().request(Addresses.nodeLeaving(first.node().nodeId()), second.node().nodeId())
        .await(10, TimeUnit.SECONDS);
      assertEquals(List.of(first.node().nodeId()), first.node().orderingNodes());
      assertEquals(2, second.node().orderingNodes().size());

      CompletableFuture<List<Long>> fromAlice = CompletableFuture.supplyAsync(() -> send(aliceBus, pair.room(), "alice"));
      CompletableFuture<List<Long>> fromBob = CompletableFuture.supplyAsync(() -> send(bobBus, pair.room(), "bob"));
      List<Long> acknowledged = new ArrayList<>(fromAlice.get(120, TimeUnit.SECONDS));
      acknowledged.addAll(fromBob.get(120, TimeUnit.SECONDS));
      acknowledged.sort(null);
      assertEquals(2 * BURST * BURSTS, acknowledged.size());
      for (BridgeClient bus : List.of(aliceBus, bobBus)) {
        TestCluster.awaitTrue("every message delivered", () -> bus.received(address).size() >= acknowledged.size());
        List<Long> seen = bus.received(address).stream().map(m -> m.getLong("id")).toList();
        assertEquals(acknowledged, seen, "every acknowledged message once, in id order");
      }
    } finally {
      sockets.forEach(BridgeClient::close);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static List<Long> send(BridgeClient bus, String room, String who) {
    List<Long> ids = new ArrayList<>();
    for (int burst = 0; burst < BURSTS; burst++) {
      List<JsonObject> bodies = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        bodies.add(new JsonObject().put("room", room).put("text", who + " " + burst + "." + i));
      }
      for (BridgeClient.Reply reply : BridgeClient.burst(List.of(bus), "chat.send", bodies).replies()) {
        assertFalse(reply.failed(), reply.frame().encode());
        ids.add(reply.body().getLong("id"));
      }
    }
    return ids;
  }
}
