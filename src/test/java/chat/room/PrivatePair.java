package chat.room;

import chat.bus.RoomId;
import chat.support.Names;

import java.util.List;

/** Two new usernames whose private room the given node owns among these nodes (RoomOwners' rendezvous hashing). */
record PrivatePair(String alice, String bob, String room) {

  static PrivatePair ownedBy(String owner, List<String> nodes) {
    for (int i = 0; i < 1000; i++) {
      String a = Names.unique("alice");
      String b = Names.unique("bob");
      String room = RoomId.between(a, b).id();
      if (owner.equals(RoomOwners.owner(room, nodes))) {
        return new PrivatePair(a, b, room);
      }
    }
    throw new AssertionError("no private room owned by " + owner + " in 1000 pairs");
  }
}
