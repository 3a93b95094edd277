package chat.room;

import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Requests to the room verticle of another node: a user's home node for a send token, a room's owner for a send.
 * Both turn elsewhere when the peer is {@link #unreachable}.
 *
 * <p>Used from the room verticle's event loop only.
 */
final class Peers {

  /** Requests that only ask (a takeover) give up quickly, so a dead node costs seconds, not the bridge's 30 s. */
  static final long PEER_TIMEOUT_MS = 3000;
  /**
   * How long a {@link #ask request to a member} may go unanswered while the node is still a member: a node whose
   * room verticle is stuck although the node itself is up (Hazelcast drops a node that stops altogether within
   * its 10 s without a heartbeat, see chat.cluster.HazelcastSetup). Under this, a send still gets its answer
   * within the bridge's 30 s after a token from one node and a turn on another.
   */
  static final long MEMBER_ANSWER_MS = 10_000;
  /** How often the requests in flight are checked against the members. */
  private static final long CHECK_MS = 250;

  private final Vertx vertx;
  private final ClusterView cluster;
  /** The {@link #ask requests to members} awaiting their answer, by node, with when each is given up. */
  private final Map<String, Map<Promise<Object>, Long>> asked = new HashMap<>();

  Peers(Vertx vertx, ClusterView cluster) {
    this.vertx = vertx;
    this.cluster = cluster;
    vertx.setPeriodic(CHECK_MS, id -> failUnanswerable());
  }

  /**
   * A request to a node's room verticle that waits for the node's answer as long as the node is a member: it
   * fails as {@link #timedOut} (the node may have done what it was asked) as soon as the node has left the
   * cluster, or after {@link #MEMBER_ANSWER_MS}. A busy node answers late but surely; taken for a dead one after a
   * few seconds, the room it owns was taken over by a sender's node (which then refused no send, since one may have
   * been stored) and taken back by the owner, over and over: sends of OverloadIT in CI waited past the bridge's
   * 30 s and were stored all the same.
   */
  Future<Object> ask(String node, String address, JsonObject body, DeliveryOptions options) {
    Promise<Object> answer = Promise.promise();
    long givenUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MEMBER_ANSWER_MS + CHECK_MS);
    asked.computeIfAbsent(node, n -> new HashMap<>()).put(answer, givenUpAt);
    vertx.eventBus().request(address, body, new DeliveryOptions(options).setSendTimeout(MEMBER_ANSWER_MS))
      .map(Message::body)
      .onComplete(ended -> forget(node, answer))
      .onComplete(answer::tryComplete, answer::tryFail);
    return answer.future();
  }

  /**
   * Fails the requests to nodes that are no members any more, and those past their time. The event bus fails
   * neither: a request in flight to a node killed at that moment was seen to never complete at all, its own
   * timeout included.
   */
  private void failUnanswerable() {
    if (asked.isEmpty()) {
      return;
    }
    List<String> members = cluster.members();
    long now = System.nanoTime();
    // on copies: a failure runs the sender's next step at once, which may ask another node
    List.copyOf(asked.entrySet()).forEach(ofNode -> {
      String node = ofNode.getKey();
      boolean gone = !members.contains(node);
      List.copyOf(ofNode.getValue().entrySet()).forEach(pending -> {
        if (gone || now - pending.getValue() > 0) {
          forget(node, pending.getKey());
          pending.getKey().tryFail(new ReplyException(ReplyFailure.TIMEOUT,
            gone ? "node " + node + " has gone" : "no answer from node " + node));
        }
      });
    });
  }

  private void forget(String node, Promise<Object> answer) {
    Map<Promise<Object>, Long> ofNode = asked.get(node);
    if (ofNode != null && ofNode.remove(answer) != null && ofNode.isEmpty()) {
      asked.remove(node);
    }
  }

  /**
   * A request to another node that always ends within {@code timeoutMs}. Our own timer backs up the event bus's:
   * a request in flight to a node killed at that moment was seen to never complete at all.
   */
  Future<Object> request(String address, JsonObject body, DeliveryOptions options, long timeoutMs) {
    Promise<Object> answer = Promise.promise();
    long timer = vertx.setTimer(timeoutMs + 500, id -> answer.tryFail(
      new ReplyException(ReplyFailure.TIMEOUT, "no answer from " + address)));
    vertx.eventBus().request(address, body, new DeliveryOptions(options).setSendTimeout(timeoutMs))
      .map(Message::body)
      .onComplete(ended -> vertx.cancelTimer(timer))
      .onComplete(answer::tryComplete, answer::tryFail);
    return answer.future();
  }

  /** No answer in time: the peer may have done what it was asked all the same. */
  static boolean timedOut(Throwable err) {
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
  }

  /** No node listens there (not started yet, or gone) or none answered in time; any other failure is the answer. */
  static boolean unreachable(Throwable err) {
    return err instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT);
  }
}
