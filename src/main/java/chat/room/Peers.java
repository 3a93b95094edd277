package chat.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Requests to the room verticle of another node: a user's home node for a send token, a room's owner for a send.
 * Both turn elsewhere when the peer is {@link #unreachable}.
 */
final class Peers {

  /** Inter-node requests give up quickly, so a dead node costs a sender seconds, not the bridge's 30 s. */
  static final long PEER_TIMEOUT_MS = 3000;

  private final Vertx vertx;

  Peers(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * A request to another node that always ends within the peer timeout. Our own timer backs up the event bus's:
   * a request in flight to a node killed at that moment was seen to never complete at all.
   */
  Future<Object> request(String address, JsonObject body) {
    return request(address, body, new DeliveryOptions());
  }

  /** The same, with these options' headers (their timeout is the peer timeout). */
  Future<Object> request(String address, JsonObject body, DeliveryOptions options) {
    return request(address, body, options, PEER_TIMEOUT_MS);
  }

  /** The same, given up after {@code timeoutMs}. */
  Future<Object> request(String address, JsonObject body, DeliveryOptions options, long timeoutMs) {
    Promise<Object> answer = Promise.promise();
    long timer = vertx.setTimer(timeoutMs + 500, id -> answer.tryFail(
      new ReplyException(ReplyFailure.TIMEOUT, "no answer from " + address)));
    vertx.eventBus().request(address, body, new DeliveryOptions(options).setSendTimeout(timeoutMs))
      .onComplete(reply -> {
        vertx.cancelTimer(timer);
        if (reply.succeeded()) {
          answer.tryComplete(reply.result().body());
        } else {
          answer.tryFail(reply.cause());
        }
      });
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
