package chat.room;

import chat.bus.Addresses;
import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.Notices;
import chat.bus.RoomId;
import chat.bus.Saved;
import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One node owns each room (see {@link RoomOwners}): it has the store keep its messages in the order they come and
 * publishes each once it and every one before it are stored, so ids reach every member in increasing order
 * whichever node the sender is on. A send goes to its room's owner, or to
 * the next one when the owner cannot take it.
 */
final class RoomOwnership {

  /** Keys made by the server for sends without a cid (a client could pick one too, but only among its own sends). */
  static final String SERVER_CID_PREFIX = "server:";

  private final Vertx vertx;
  private final ClusterView cluster;
  private final Set<String> topics;
  private final Peers peers;
  private final RoomQueue queue = new RoomQueue();
  private final RoomHandover handover;
  private final KnownBots bots;

  RoomOwnership(Vertx vertx, ClusterView cluster, Set<String> topics, Peers peers) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.topics = topics;
    this.peers = peers;
    this.bots = new KnownBots(vertx);
    this.handover = new RoomHandover(vertx, cluster, peers, queue);
  }

  /** Another node takes a room over ({@link RoomHandover}). */
  void onHandover(Message<JsonObject> request) {
    handover.onHandover(request);
  }

  /** A stopping node has finished its sends ({@link RoomHandover#releaseAll}). */
  void onReleased(Message<String> told) {
    handover.onReleased(told);
  }

  void forgetIdle() {
    handover.forgetIdle();
  }

  /**
   * Has the room's owner store and publish the message, under the client's idempotency key or, when it sent none,
   * one made here: a send re-routed after its owner did not answer in time (the owner may have stored it all the
   * same) then finds the stored message instead of storing it again. Made once, before the send leaves this node,
   * so every route carries the same key. A send that came in at {@code arrivedNanos} and has waited too long
   * by now, or by the time it reaches the owner, is refused instead ({@link Overload}).
   */
  Future<ChatMessage> toOwner(RoomId room, NewMessage message, List<String> live, long arrivedNanos) {
    if (Overload.shed(message, arrivedNanos)) {
      return Future.failedFuture(Failure.busy());
    }
    NewMessage keyed = message.cid() != null ? message
      : message.withCid(SERVER_CID_PREFIX + UUID.randomUUID());
    return toOwnerAmong(room, keyed, live, arrivedNanos, false);
  }

  /**
   * {@code settle}: the send went to an owner that has gone without answering, so it may be stored there, and a 503
   * ("not stored, send it again") would then be untrue: from here on it is stored or found under its cid, never
   * refused as late. Such sends are few (only the ones in flight when their owner went), so they cannot overload
   * anyone.
   */
  private Future<ChatMessage> toOwnerAmong(RoomId room, NewMessage message, List<String> live, long arrivedNanos,
      boolean settle) {
    String owner = RoomOwners.owner(room.id(), live);
    if (owner == null || owner.equals(cluster.nodeId())) {
      return ordered(room, message, arrivedNanos, settle);
    }
    DeliveryOptions forward = new DeliveryOptions();
    if (settle) {
      forward.addHeader(Addresses.SETTLE_HEADER, "true");
    }
    return peers.ask(owner, Addresses.roomOwner(owner), message.toJson(), forward)
      .map(reply -> ChatMessage.fromJson((JsonObject) reply))
      .recover(err -> {
        if (!Peers.unreachable(err)) {
          return Future.failedFuture(err);
        }
        // The owner cannot take it: still starting (a member before its verticles are up), or gone with the send
        // (or stuck on it for Peers.MEMBER_ANSWER_MS); a busy one is waited for, since it answers surely. Every
        // node that finds it so turns to the same next one, the owner among the others (who owns the room once it
        // has gone), so the room keeps one orderer. A cid makes the retry safe. The time spent on the owner that
        // did not answer is no queue of the next one's: its wait starts now.
        List<String> others = new ArrayList<>(live);
        others.remove(owner);
        return toOwnerAmong(room, message, others, System.nanoTime(), settle || Peers.timedOut(err));
      });
  }

  /** A send forwarded by another node because this node owns the room: its wait here is timed from now. */
  void onOwnedSend(Message<JsonObject> request) {
    NewMessage message = NewMessage.fromJson(request.body());
    boolean settle = request.headers().contains(Addresses.SETTLE_HEADER);
    ordered(RoomId.parse(message.room(), topics), message, System.nanoTime(), settle)
      .onSuccess(stored -> request.reply(stored.toJson()))
      .onFailure(err -> Failure.reply(request, err));
  }

  /**
   * A vote on a poll of the room, counted by the room's owner, one at a time per room: the counts it publishes
   * to the room ({type: "votes", room, id, votes}) then follow each other in the order the votes were made, so a
   * page that shows the last ones it got shows the right ones. An owner that cannot take it: counted here.
   */
  Future<JsonObject> vote(RoomId room, JsonObject vote, List<String> live) {
    String owner = RoomOwners.owner(room.id(), live);
    if (owner == null || owner.equals(cluster.nodeId())) {
      return countedHere(room, vote);
    }
    return peers.ask(owner, Addresses.roomVote(owner), vote, new DeliveryOptions()).map(JsonObject.class::cast)
      .recover(err -> Peers.unreachable(err) ? countedHere(room, vote) : Future.failedFuture(err));
  }

  /** A vote forwarded by another node because this node owns the room. */
  void onOwnedVote(Message<JsonObject> request) {
    countedHere(RoomId.parse(request.body().getString("room"), topics), request.body())
      .onSuccess(request::reply)
      .onFailure(err -> Failure.reply(request, err));
  }

  private Future<JsonObject> countedHere(RoomId room, JsonObject vote) {
    return handover.held(room.id()).compose(held -> queue.submit(room.id(),
      () -> vertx.eventBus().<JsonObject>request(Addresses.STORE_VOTE, vote)
      .map(reply -> reply.body())
      .onSuccess(counted -> vertx.eventBus().publish(Addresses.room(room.id()), new JsonObject().put("type", "votes")
        .put("room", room.id()).put("id", counted.getLong("id")).put("votes", counted.getJsonArray("votes")).encode()))));
  }

  /**
   * Completes when every send taken so far has been stored and published (or has failed), and the other nodes know
   * this one orders no room any more.
   */
  Future<Void> finish() {
    return queue.idle().compose(v -> handover.releaseAll());
  }

  /**
   * Stored at once, published after the room's sends before it, unless it waited too long to get here (and need
   * not {@code settle}, see {@link #toOwnerAmong(RoomId, NewMessage, List, long, boolean)}). The store
   * is asked now, not at the message's turn: it stores in the order it is asked (one store verticle, one group
   * commit queue), so ids still follow the room's order, and a room's messages that arrive during a commit share
   * the next one. Asked at its turn, each message of a busy room waited for the commit of the one before; one slow
   * fsync then held the whole room, and W1's p99 at half load was four times the bare server's (issue 18).
   * Only once this node holds the room ({@link RoomHandover}): a send that comes while it takes the room over
   * waits for that, then is checked for its wait again.
   */
  private Future<ChatMessage> ordered(RoomId room, NewMessage message, long arrivedNanos, boolean settle) {
    if (!settle && Overload.shed(message, arrivedNanos)) {
      return Future.failedFuture(Failure.busy());
    }
    Future<Void> held = handover.held(room.id());
    if (!held.isComplete()) {
      return held.compose(v -> ordered(room, message, arrivedNanos, settle));
    }
    DeliveryOptions storeBy = new DeliveryOptions().addHeader(Addresses.STORE_BY_HEADER,
      Long.toString(settle ? Long.MAX_VALUE : Overload.storeBy(message, arrivedNanos)));
    Future<Saved> stored = vertx.eventBus().<JsonObject>request(Addresses.STORE_SAVE, message.toJson(), storeBy)
      .map(reply -> Saved.fromJson(reply.body()));
    return queue.submit(room.id(), () -> stored.map(saved -> {
      if (!saved.duplicate()) {
        publish(room, saved.message());
      }
      return saved.message();
    }));
  }

  /** Published as JSON text, encoded once (see {@link Addresses#ROOM_PREFIX}). */
  private void publish(RoomId room, ChatMessage message) {
    JsonObject json = message.toJson();
    vertx.eventBus().publish(Addresses.room(room.id()), json.encode());
    if (room instanceof RoomId.Direct direct) {
      // lets the other member's page raise a badge for a private room it has not opened yet
      String other = direct.other(message.sender());
      JsonObject notice = new JsonObject().put("room", room.id()).put("message", json);
      Notices.tell(vertx.eventBus(), other, notice);
      if (bots.isBot(other)) {
        // and a bot that polls gets it at its next poll (stored only if it polls)
        vertx.eventBus().request(Addresses.BOT_UPDATE, new JsonObject().put("bot", other).put("ifPolling", true)
          .put("update", notice.copy().put("type", "message")));
      }
    }
  }
}
