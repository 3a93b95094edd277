package chat.bench.client;

import java.util.List;

/**
 * One room's share of a step: who is in it, who sends, and how many messages per second the room gets in all.
 * Readers are the members that still read (W5 leaves some out on purpose); padding is how many characters of
 * filler follow the stamp in each message's text (0: none).
 */
public record RoomPlan(String room, List<Conn> members, List<Conn> senders, double msgsPerSecond, int readers,
                       int padding) {

  public RoomPlan(String room, List<Conn> members, List<Conn> senders, double msgsPerSecond) {
    this(room, members, senders, msgsPerSecond, members.size(), 0);
  }
}
