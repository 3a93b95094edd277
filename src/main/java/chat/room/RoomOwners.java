package chat.room;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Which node orders a room's messages: rendezvous hashing over the live nodes, so every node picks the same
 * owner without talking, and a node joining or leaving moves only its share of rooms.
 */
final class RoomOwners {

  private RoomOwners() {
  }

  static String owner(String roomId, List<String> liveNodes) {
    String best = null;
    long bestWeight = Long.MIN_VALUE;
    for (String node : liveNodes) {
      long weight = weight(node, roomId);
      if (weight > bestWeight || weight == bestWeight && node.compareTo(best) < 0) {
        best = node;
        bestWeight = weight;
      }
    }
    return best;
  }

  private static long weight(String node, String roomId) {
    CRC32C crc = new CRC32C();
    crc.update((node + "\n" + roomId).getBytes(StandardCharsets.UTF_8));
    // spread the 32-bit checksum so nearby inputs do not rank nodes alike
    long x = crc.getValue() * 0x9E3779B97F4A7C15L;
    return x ^ (x >>> 29);
  }
}
