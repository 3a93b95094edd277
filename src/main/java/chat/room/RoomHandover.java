package chat.room;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes sure one node at a time orders a room. Every node picks a room's owner from its own view of the cluster
 * ({@link RoomOwners}), and a view changes (a node joins, ends its warm-up, leaves) at a slightly different moment
 * on each node, while the old owner may still have sends of the room stored but not yet published. A new owner that
 * stored at once got the next id committed and published first: a socket saw id 28 before 27
 * (PostgresRollingRestartIT, when the global room moved at the end of a node's warm-up).
 *
 * <p>So a node takes a room over before it orders any send of it: it asks every other member to let the room go,
 * and each answers once the sends it took for the room are stored and published. Only then does this node store the
 * room's sends, so their ids come after, and are published after, everything the old owner took. A member that
 * cannot answer (not started yet, gone) holds nothing; one that does not answer within the peer timeout (half a
 * second for one that has said it is stopping) is passed over: a room does not stop for a node that hangs.
 *
 * <p>Asking costs a round trip through the other nodes' room verticles, which under load can be seconds behind. So a
 * node that has seen the ordering nodes stay as they are for {@link #SETTLED_MS} takes a room it owns without
 * asking: no other node orders it any more, unless one has asked this node to let it go since (then it asks back,
 * below). Not while it is asking already: the sends that come meanwhile wait for the answers, as the first did. A
 * cluster at rest asks nothing; one asks only after a change, and when a send falls back to the next owner because
 * the owner went without answering.
 *
 * <p>Two nodes that want the same room at once (their views differ for a moment) each let it go when asked: one whose
 * takeover was asked for the room meanwhile starts it again after a random pause, so one of them ends up holding it.
 * A node that is asked for a room it holds no longer holds it; if it still gets sends of it (a sender's view is
 * behind), it takes the room back first, the same way, so the room's order holds whoever orders it.
 *
 * <p>Used from the room verticle's event loop only.
 */
final class RoomHandover {

  private static final Logger LOG = LoggerFactory.getLogger(RoomHandover.class);

  /** Takeovers of one room that another node's keep interrupting before this node holds it anyway. */
  private static final int MAX_ATTEMPTS = 20;
  /** The longest random pause before a takeover starts again, so two nodes do not keep asking each other. */
  private static final long MAX_PAUSE_MS = 50;
  /**
   * How long a takeover waits for a node that has said it is stopping. Such a node answers as soon as the sends of
   * the room it took are out (milliseconds); one that has not answered by then has most likely closed, and waiting
   * out the peer timeout on it held a room's sends past the 2 s after which they are refused (LeavingNodeTest in
   * CI, where a node closed in a fifth of a second).
   */
  private static final long LEAVING_ANSWER_MS = 500;
  /** How long a stopping node waits for each other one to hear that it holds no room any more. */
  private static final long RELEASED_ANSWER_MS = 1000;
  /**
   * How long the ordering nodes must have stayed as they are before a node takes the rooms it owns without asking:
   * well over the time the nodes take to see a change alike (a member's arrival or departure, a leaving notice, a
   * warm-up's end by each node's clock) and the time an old owner takes to store the sends it had taken.
   */
  static final long SETTLED_MS = 10_000;
  /** A room no send has come for in this long is let go here: a later send takes it over again, for one request. */
  private static final long FORGET_AFTER_MS = 10 * 60_000;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final Peers peers;
  private final RoomQueue queue;
  /** The rooms this node holds, with when a send of each last came. */
  private final Map<String, Long> held = new HashMap<>();
  /** Rooms another node has asked this node to let go, with when: taken back only by asking. */
  private final Map<String, Long> letGo = new HashMap<>();
  /** Takeovers under way, each shared by the sends that wait for them. */
  private final Map<String, Takeover> taking = new HashMap<>();
  /**
   * Stopping nodes that have finished the sends they took: not asked again. Asked, one whose room verticle had gone
   * answered nothing, and a room it had ordered stopped for the 3 s peer timeout (LeavingNodeTest).
   */
  private final Set<String> released = new HashSet<>();
  /** This node is stopping and has let every room go: it takes none any more. */
  private boolean closed;

  private static final class Takeover {
    final Promise<Void> done = Promise.promise();
    /** Another node asked for the room while this node was asking the others. */
    boolean contested;
  }

  RoomHandover(Vertx vertx, ClusterView cluster, Peers peers, RoomQueue queue) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.peers = peers;
    this.queue = queue;
  }

  /** Completes once this node holds the room: at once when it does, else when the other members have let it go. */
  Future<Void> held(String room) {
    if (held.replace(room, System.currentTimeMillis()) != null) {
      return Future.succeededFuture();
    }
    if (closed) {
      // a send from a node that has not heard this one is going: sent again, it goes to the room's next owner
      return Future.failedFuture(Failure.busy());
    }
    Takeover takeover = taking.get(room);
    if (takeover != null) {
      // Never the shortcut below while asking: the others may still be storing the room's sends they took, and a
      // send stored here meanwhile got a later id published before theirs. Probes caught this node taking the room
      // without asking 14 ms before its own takeover ended, as its view became settled (NoisyNeighbourIT, where
      // every socket got 406, 407, then 405, at the end of a node's warm-up).
      return takeover.done.future();
    }
    if (!letGo.containsKey(room) && settled() && ownsByItsView(room)) {
      held.put(room, System.currentTimeMillis());
      return Future.succeededFuture();
    }
    takeover = new Takeover();
    taking.put(room, takeover);
    takeOver(room, takeover, 1);
    return takeover.done.future();
  }

  /** Another node takes the room over: it is let go here, and the answer waits until what this node took is out. */
  void onHandover(Message<JsonObject> request) {
    String room = request.body().getString("room");
    held.remove(room);
    letGo.put(room, System.currentTimeMillis());
    Takeover takeover = taking.get(room);
    if (takeover != null) {
      takeover.contested = true;
    }
    queue.idle(room).onComplete(idle -> request.reply(new JsonObject()));
  }

  /**
   * The last of a stop, once the sends this node took are stored and published: it lets every room go and tells the
   * others, so they no longer ask it. One that does not answer within a second is not waited for.
   */
  Future<Void> releaseAll() {
    closed = true;
    held.clear();
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(RELEASED_ANSWER_MS);
    return Future.join(others().stream().map(node -> vertx.eventBus()
        .request(Addresses.roomsReleased(node), cluster.nodeId(), quick)).toList())
      .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Another node has stopped taking rooms. */
  void onReleased(Message<String> told) {
    released.add(told.body());
    told.reply(null);
  }

  /** Lets go of the rooms no send has come for in a while, so a node that saw many private rooms keeps no list of them. */
  void forgetIdle() {
    long now = System.currentTimeMillis();
    held.values().removeIf(last -> now - last > FORGET_AFTER_MS);
    letGo.values().removeIf(since -> now - since > FORGET_AFTER_MS);
    released.retainAll(cluster.members());
  }

  private boolean settled() {
    return System.currentTimeMillis() - cluster.orderingChangedAt() >= SETTLED_MS;
  }

  private boolean ownsByItsView(String room) {
    return cluster.nodeId().equals(RoomOwners.owner(room, cluster.orderingNodes()));
  }

  /** Every member but this one and those that have stopped taking rooms, leaving ones too: they still finish sends. */
  private List<String> others() {
    return cluster.members().stream().filter(node -> !node.equals(cluster.nodeId()) && !released.contains(node))
      .toList();
  }

  private void takeOver(String room, Takeover takeover, int attempt) {
    takeover.contested = false;
    JsonObject body = new JsonObject().put("room", room);
    List<String> live = cluster.liveNodes();
    Future.join(others().stream().map(node -> {
        boolean stopping = !live.contains(node);
        return peers.request(Addresses.roomHandover(node), body, new DeliveryOptions(),
            stopping ? LEAVING_ANSWER_MS : Peers.PEER_TIMEOUT_MS)
          .recover(err -> {
            if (Peers.timedOut(err) && !stopping) {
              LOG.warn("took room {} over without an answer from node {}", room, node);
            }
            return Future.succeededFuture();
          });
      }).toList())
      .onComplete(asked -> {
        if (takeover.contested && attempt < MAX_ATTEMPTS) {
          long pause = 1 + ThreadLocalRandom.current().nextLong(MAX_PAUSE_MS);
          vertx.setTimer(pause, id -> takeOver(room, takeover, attempt + 1));
          return;
        }
        if (takeover.contested) {
          LOG.warn("took room {} over after {} attempts, each interrupted by another node's", room, attempt);
        }
        taking.remove(room);
        letGo.remove(room);
        held.put(room, System.currentTimeMillis());
        takeover.done.complete();
      });
  }
}
