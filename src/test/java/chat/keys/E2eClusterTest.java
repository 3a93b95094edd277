package chat.keys;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ClusterFixture;
import chat.support.E2eKeys;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An encrypted private chat across two nodes and a restart (issue 20): the switch made on one node holds on the
 * other as soon as it is answered, blobs go between the nodes as they were sent, and after the node restarts the
 * room is still encrypted and its history still the blobs.
 */
class E2eClusterTest {

  @RegisterExtension
  static final ClusterFixture nodes = new ClusterFixture(2);

  private static BridgeClient socket(int node, Http user) {
    return nodes.closeAfterTest(BridgeClient.connect(nodes.vertx(), nodes.cluster().node(node).port(), user.cookie()));
  }

  private static String publish(Http user) {
    Http.Response published = user.call(HttpMethod.PUT, "/api/keys", E2eKeys.identity().encode(), "application/json");
    assertEquals(200, published.status(), published.body());
    return published.json().getString("fingerprint");
  }

  @Test
  void anEncryptedChatHoldsAcrossNodesAndARestart() {
    String aliceName = Names.unique("alice");
    String bobName = Names.unique("bob");
    Http alice = new Http(nodes.vertx(), nodes.cluster().node(0).port()).signUp(aliceName);
    Http bob = new Http(nodes.vertx(), nodes.cluster().node(1).port()).signUp(bobName);
    String aliceKeys = publish(alice);
    String bobKeys = publish(bob);
    String room = RoomId.between(aliceName, bobName).id();
    BridgeClient aliceBus = socket(0, alice);
    BridgeClient bobBus = socket(1, bob);
    aliceBus.register("chat.room." + room);
    // a plain message first: the room's cached state on node 2 is "not encrypted" when the switch comes
    assertFalse(bobBus.request("chat.send", new JsonObject().put("room", room).put("text", "before")).failed());

    Http.Response switched = alice.call(HttpMethod.POST, "/api/private-rooms/" + room + "/encryption", null, null);
    assertEquals(200, switched.status(), switched.body());
    BridgeClient.Reply plain = bobBus.request("chat.send", new JsonObject().put("room", room).put("text", "after"));
    assertEquals(400, plain.failureCode(), "node 2 knows at once: " + plain.frame().encode());
    JsonObject blob = E2eKeys.blob(bobKeys, aliceKeys);
    BridgeClient.Reply sent = bobBus.request("chat.send", E2eKeys.send(room, blob));
    assertFalse(sent.failed(), sent.frame().encode());
    JsonObject relayed = aliceBus.take(frame -> ("chat.room." + room).equals(frame.getString("address"))
      && frame.getJsonObject("body").containsKey("e2e")).getJsonObject("body");
    assertEquals(blob, relayed.getJsonObject("e2e"));

    nodes.cluster().restart(1);
    Http bobAgain = new Http(nodes.vertx(), nodes.cluster().node(1).port()).logIn(bobName, Http.passwordOf(bobName));
    BridgeClient bobBusAgain = socket(1, bobAgain);
    assertEquals(400, bobBusAgain.request("chat.send", new JsonObject().put("room", room).put("text", "again"))
      .failureCode(), "still encrypted after the restart");
    List<JsonObject> history = bobBusAgain.historyAfter(room, 0);
    assertEquals(List.of("before"),
      history.stream().filter(m -> m.containsKey("text")).map(m -> m.getString("text")).toList());
    assertEquals(List.of(blob),
      history.stream().filter(m -> m.containsKey("e2e")).map(m -> m.getJsonObject("e2e")).toList());
    assertTrue(bobAgain.get("/api/private-rooms/" + room + "/encryption").json().getBoolean("encrypted"));
  }
}
