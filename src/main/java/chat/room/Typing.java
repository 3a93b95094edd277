package chat.room;

import chat.access.RoomAccess;
import chat.bus.Addresses;
import chat.bus.BridgeRequest;
import chat.bus.Failure;
import chat.bus.RoomId;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code chat.typing}: tells a room who is typing in it. Used from one event loop only. */
final class Typing {

  static final long INTERVAL_MS = 2000;

  private final Vertx vertx;
  private final Set<String> topics;
  private final RoomAccess access;
  private final Map<String, Long> lastTyping = new HashMap<>();

  Typing(Vertx vertx, Set<String> topics, RoomAccess access) {
    this.vertx = vertx;
    this.topics = topics;
    this.access = access;
  }

  /** Relays "typing" at most once per 2 s per user and room, for rooms the user may use (not a channel's non-members, made-up partners, or those a partner does not take). */
  void onTyping(Message<Object> request) {
    BridgeRequest typing;
    RoomId room;
    try {
      typing = BridgeRequest.of(request);
      room = typing.room(topics);
    } catch (RuntimeException err) {
      Failure.reply(request, err);
      return;
    }
    access.writable(room, typing.user()).onComplete(usable -> {
      String key = RoomId.key(typing.user()) + " " + room.id();
      long now = System.currentTimeMillis();
      Long last = lastTyping.get(key);
      if (last == null || now - last >= INTERVAL_MS) {
        lastTyping.put(key, now);
        vertx.eventBus().publish(Addresses.typing(room.id()),
          new JsonObject().put("room", room.id()).put("username", typing.user()));
      }
      request.reply(new JsonObject());
    }, err -> Failure.reply(request, err));
  }

  void forgetOld() {
    long cutoff = System.currentTimeMillis() - INTERVAL_MS;
    lastTyping.values().removeIf(time -> time < cutoff);
  }
}
