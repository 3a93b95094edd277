package chat.bridge;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that stops tells every page to reconnect (1012), a few at a time so the nodes they come back to are not
 * hit by all of them at once, and keeps no socket opened while it is going.
 */
class NodeStopTest {

  private static final int SOCKETS = 600;

  @Test
  void everySocketIsToldToReconnectAndNoneOpenedMeanwhileIsKept() throws Exception {
    Vertx vertx = Vertx.vertx();
    TestNode node = TestNode.start(TestNode.newDataDir(), new JsonObject().put("bots", new JsonObject()
      .put("assistant", false)));
    try {
      Http alice = new Http(vertx, node.port()).signUp("alice");
      List<BridgeClient> sockets = new ArrayList<>();
      for (int i = 0; i < SOCKETS; i++) {
        sockets.add(BridgeClient.connect(vertx, node.port(), alice.cookie()));
      }
      sockets.get(0).register("chat.room.global");
      CompletableFuture<Void> stopped = CompletableFuture.runAsync(node::close);
      // the first ones are told at once and the rest over about 1.8 s (3 ms a socket): the node is still up for
      // them, but keeps no new socket. Which sockets go first is not the order they opened in: waiting for one
      // particular socket could wait out the whole drain, after which the node no longer listens.
      TestCluster.awaitTrue("the first sockets told to reconnect",
        () -> sockets.stream().anyMatch(BridgeClient::isClosed));
      BridgeClient late = BridgeClient.connect(vertx, node.port(), alice.cookie());
      late.awaitClosed();
      assertEquals((short) 1012, late.closeStatus());
      stopped.get(30, TimeUnit.SECONDS);
      for (BridgeClient socket : sockets) {
        socket.awaitClosed();
        assertEquals((short) 1012, socket.closeStatus());
      }
      assertTrue(sockets.stream().allMatch(BridgeClient::isClosed));
    } finally {
      node.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
