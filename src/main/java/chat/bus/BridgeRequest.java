package chat.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * A request that came in from a browser through the bridge: who sent it (stamped by the bridge from the
 * session, never from the client) and its body, checked to be a JSON object.
 */
public record BridgeRequest(String user, JsonObject body) {

  public static BridgeRequest of(Message<Object> message) {
    String user = message.headers().get(Addresses.USER_HEADER);
    if (user == null) {
      throw Failure.of(Failure.UNAUTHORIZED, "not logged in");
    }
    if (!(message.body() instanceof JsonObject body)) {
      throw Failure.badRequest("body must be a JSON object");
    }
    return new BridgeRequest(user, body);
  }

  /** The body's room, parsed, and open to this user; otherwise the refusal the client sees. */
  public RoomId room(java.util.Collection<String> topics) {
    Object value = body.getValue("room");
    if (!(value instanceof String id)) {
      throw Failure.badRequest("room must be a string");
    }
    RoomId room = RoomId.parse(id, topics);
    if (room == null) {
      throw Failure.badRequest("no such room");
    }
    if (!room.admits(user)) {
      throw Failure.forbidden("not a member of this room");
    }
    return room;
  }

  /** An optional whole number field; absent gives null, anything but an integer is refused. */
  public Long optionalLong(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long)) {
      throw Failure.badRequest(field + " must be an integer");
    }
    return ((Number) value).longValue();
  }
}
