package chat.room;

import chat.bus.BridgeRequest;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.RoomId;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * A {@code chat.send} from a browser, checked where it enters: a room the sender may write to, text and a cid the
 * store will take. A refusal is the 400 or 403 the client sees; it comes before the send limit, so a bad send costs
 * no token.
 */
final class SendValidation {

  static final int MAX_TEXT = 2000;
  static final int MAX_CID = 64;

  /** A send that passed: its room, and the message for it (cid null when the client gave none). */
  record Send(RoomId room, NewMessage message) {
  }

  private final Set<String> topics;

  SendValidation(Set<String> topics) {
    this.topics = topics;
  }

  Send check(BridgeRequest request) {
    RoomId room = request.room(topics);
    return new Send(room, new NewMessage(room.id(), request.user(), text(request.body()), cid(request.body())));
  }

  private static String text(JsonObject body) {
    if (!(body.getValue("text") instanceof String raw)) {
      throw Failure.badRequest("text must be a string");
    }
    return checked(raw, 1, "text");
  }

  /** A shared file's caption: a message's text, but it may be empty (or absent). */
  static String caption(String raw) {
    return raw == null ? "" : checked(raw, 0, "caption");
  }

  private static String checked(String raw, int min, String field) {
    String text = raw.strip();
    int length = text.codePointCount(0, text.length());
    if (length < min || length > MAX_TEXT) {
      throw Failure.badRequest(field + " must be " + min + " to " + MAX_TEXT + " characters");
    }
    // PostgreSQL refuses U+0000 outright, and no control character but a line break or a tab belongs in a chat
    if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\t')) {
      throw Failure.badRequest(field + " must not contain control characters other than line breaks and tabs");
    }
    return text;
  }

  /** The client's idempotency key, or null when it sent none ({@link RoomOwnership} makes one then). */
  private static String cid(JsonObject body) {
    Object cid = body.getValue("cid");
    if (cid == null) {
      return null;
    }
    if (!(cid instanceof String s) || s.isEmpty() || s.length() > MAX_CID) {
      throw Failure.badRequest("cid must be a string of 1 to " + MAX_CID + " characters");
    }
    return s;
  }
}
