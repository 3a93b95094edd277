package chat.room;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Two new users whose private room a given node owns (RoomOwners' rendezvous hashing), alice to chat on the other
 * node and bob on the owner.
 */
record PrivatePair(String alice, String bob, String room) {

  static PrivatePair ownedBy(TestNode owner, TestNode other) {
    List<String> both = List.of(other.node().nodeId(), owner.node().nodeId());
    for (int i = 0; i < 1000; i++) {
      String a = Names.unique("alice");
      String b = Names.unique("bob");
      String room = RoomId.between(a, b).id();
      if (owner.node().nodeId().equals(RoomOwners.owner(room, both))) {
        return new PrivatePair(a, b, room);
      }
    }
    throw new AssertionError("no private room owned by " + owner.node().nodeId() + " in 1000 pairs");
  }

  /** A socket of this user's on the node, listening to the pair's room; closed with the others in {@code sockets}. */
  BridgeClient listening(Vertx vertx, TestNode node, Http user, List<BridgeClient> sockets) {
    BridgeClient bus = BridgeClient.connect(vertx, node.port(), user.cookie());
    sockets.add(bus);
    bus.register("chat.room." + room);
    return bus;
  }
}
