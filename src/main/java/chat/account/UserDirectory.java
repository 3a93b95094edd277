package chat.account;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether a room can be used at all: a private room needs its other member to be a registered user, for every
 * operation (send, history, read marks, typing, listening), so that made-up partners cost nothing to refuse and
 * grow nothing. Asked of the account verticle over the bus and remembered: a name is never deleted, so a yes stays
 * true; a no is asked again next time (the name may be registered since). Callers waiting on the same name share
 * one look-up, which also keeps a sender's quick messages to a new partner in order. One per verticle (not shared
 * between event loops).
 */
public final class UserDirectory {

  /** Names confirmed, at most this many kept; beyond it, look-ups are simply asked again. */
  static final int MAX_KEPT = 100_000;

  private final Vertx vertx;
  private final Map<String, Future<Void>> known = new HashMap<>();

  public UserDirectory(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes when this user may use this room (already admitted by {@link RoomId#admits}); else "no such room". */
  public Future<Void> usable(RoomId room, String user) {
    return room instanceof RoomId.Direct direct ? exists(direct.other(user)) : Future.succeededFuture();
  }

  /** Completes when the user exists; fails with 400 "no such room" when not (the room is what the client named). */
  Future<Void> exists(String userKey) {
    Future<Void> answer = known.get(userKey);
    if (answer != null) {
      return answer;
    }
    Promise<Void> lookup = Promise.promise();
    if (known.size() >= MAX_KEPT) {
      known.clear();
    }
    known.put(userKey, lookup.future());
    vertx.eventBus().request(Addresses.ACCOUNT_FIND, new JsonObject().put("username", userKey)).onComplete(
      found -> lookup.complete(),
      err -> {
        known.remove(userKey, lookup.future());
        lookup.fail(Failure.code(err) == Failure.NOT_FOUND ? Failure.badRequest("no such room") : err);
      });
    return lookup.future();
  }
}
