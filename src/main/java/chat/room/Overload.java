package chat.room;

import chat.bus.Addresses;
import chat.bus.NewMessage;
import io.vertx.core.eventbus.Message;

import java.util.concurrent.TimeUnit;

/**
 * A node offered more sends than it can store refuses the excess with a retryable 503 instead of queueing it: a
 * send that has waited longer than {@link #SHED_AFTER_MS} since it came in is refused at the next step it reaches,
 * up to the store's next commit ({@link #storeBy}), before anything is stored. The wait is the one measure that
 * needs no capacity figure: on any machine, sends wait only once more come in than go out, and only then are some
 * refused.
 *
 * <p>The wait is bounded, not the answer: a send that has begun to be stored is answered when its commit is done,
 * however long the database takes. So a node that forwarded a send to the room's owner waits for the owner's answer
 * as long as the owner is a member ({@link Peers#ask}); timed out after a few seconds, a busy owner was taken for a
 * dead one, and the room went back and forth between the two nodes (OverloadIT in CI).
 */
final class Overload {

  /**
   * Not less: a node that is not overloaded still stalls now and then for about a second (an attacker's sockets all
   * opening at once in NoisyNeighbourIT held an ordinary send 1.2 s), and that send is slow, not one to refuse.
   */
  static final long SHED_AFTER_MS = 2000;
  private static final long SHED_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(SHED_AFTER_MS);

  private Overload() {
  }

  /** When a send came in: the bridge's stamp on this node, or now (a send forwarded by another node, a line). */
  static long arrived(Message<?> request) {
    String stamp = request.headers().get(Addresses.ARRIVED_HEADER);
    if (stamp != null) {
      try {
        return Long.parseLong(stamp);
      } catch (NumberFormatException ignored) {
        // only the bridge sets it, so this does not happen; the send is then timed from here
      }
    }
    return System.nanoTime();
  }

  /**
   * Whether a message that came in at {@code arrivedNanos} is refused now. System lines and files are never:
   * what they record has happened already (a join, bytes stored), and they come one per person's action.
   */
  static boolean shed(NewMessage message, long arrivedNanos) {
    return message.system() == null && message.file() == null
      && System.nanoTime() - arrivedNanos > SHED_AFTER_NANOS;
  }

  /**
   * By when the store must begin storing a message that came in at {@code arrivedNanos}: the same bound, so that
   * neither the store's queue nor the wait for a room's earlier messages holds a send past it. Never for the
   * messages that are never shed.
   */
  static long storeBy(NewMessage message, long arrivedNanos) {
    return message.system() == null && message.file() == null ? arrivedNanos + SHED_AFTER_NANOS : Long.MAX_VALUE;
  }
}
