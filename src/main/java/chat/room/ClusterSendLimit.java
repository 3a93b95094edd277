package chat.room;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The send rate per user across the cluster: each user's {@link SendLimiter} bucket lives on one node, the user's
 * home, chosen like a room's owner, so the limit holds across all their sockets and nodes.
 */
final class ClusterSendLimit {

  private final ClusterView cluster;
  private final Peers peers;
  private final SendLimiter people;
  /** Bots have a rate of their own (bots.messagesPerSecond): a person's is for typing, a bot's for a program. */
  private final SendLimiter bots;

  ClusterSendLimit(ClusterView cluster, Peers peers, SendLimiter people, SendLimiter bots) {
    this.cluster = cluster;
    this.peers = peers;
    this.people = people;
    this.bots = bots;
  }

  /**
   * Asks the user's home node for a token; a flood is refused before anything is stored. Answers when the send's
   * wait is to be timed from ({@link Overload}): {@code arrivedNanos}, or now when the home did not answer, since
   * the time spent on a node that has gone is no queue of this one's (a send must not be shed for it).
   */
  Future<Long> withinRate(String username, boolean bot, List<String> live, long arrivedNanos) {
    String userKey = RoomId.key(username);
    String home = RoomOwners.owner("user." + userKey, live);
    SendLimiter limiter = bot ? bots : people;
    if (home == null || home.equals(cluster.nodeId())) {
      return limiter.tryAcquire(userKey, System.nanoTime()) ? Future.succeededFuture(arrivedNanos)
        : Future.failedFuture(tooMany());
    }
    return peers.ask(home, Addresses.sendLimit(home), new JsonObject().put("user", userKey).put("bot", bot),
        new DeliveryOptions())
      .map(answered -> arrivedNanos)
      // the home node is gone: count here until the members agree on a new home
      .recover(err -> Peers.unreachable(err) && limiter.tryAcquire(userKey, System.nanoTime())
        ? Future.succeededFuture(System.nanoTime()) : Future.failedFuture(Peers.unreachable(err) ? tooMany() : err));
  }

  /** A token asked for by another node because this node is the user's home. */
  void onSendLimit(Message<JsonObject> request) {
    SendLimiter limiter = request.body().getBoolean("bot", false) ? bots : people;
    if (limiter.tryAcquire(request.body().getString("user"), System.nanoTime())) {
      request.reply(null);
    } else {
      Failure.reply(request, tooMany());
    }
  }

  void forgetIdle() {
    people.forgetIdle(System.nanoTime());
    bots.forgetIdle(System.nanoTime());
  }

  private static Throwable tooMany() {
    return Failure.of(Failure.TOO_MANY, "too many messages, slow down");
  }
}
