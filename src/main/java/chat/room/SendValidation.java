package chat.room;

import chat.bus.BridgeRequest;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.Poll;
import chat.bus.RoomId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
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

  /**
   * {@code bot}: the sender is a bot, whose messages say so, and who alone may post a poll. An encrypted message
   * ({@code e2e}) is checked by {@link E2eShape}; whether its room is encrypted, later ({@link RoomVerticle}).
   */
  Send check(BridgeRequest request, boolean bot) {
    RoomId room = request.room(topics);
    if (request.body().containsKey("e2e")) {
      return new Send(room, E2eShape.message(room, request.user(), request.body()));
    }
    NewMessage message = new NewMessage(room.id(), request.user(), text(request.body()), cid(request.body()));
    Object poll = request.body().getValue("poll");
    if (poll != null && !bot) {
      throw Failure.forbidden("only a bot posts a poll (people ask one, e.g. /poll)");
    }
    return new Send(room, bot ? message.fromBot(poll == null ? null : poll(poll)) : message);
  }

  /** A poll's options: 2 to 10 different texts of 1 to 100 characters, each as a message's text is checked. */
  private static Poll poll(Object value) {
    String shape = "poll must be " + Poll.MIN_OPTIONS + " to " + Poll.MAX_OPTIONS + " different options of 1 to "
      + Poll.MAX_OPTION + " characters";
    if (!(value instanceof JsonArray array) || array.size() < Poll.MIN_OPTIONS || array.size() > Poll.MAX_OPTIONS) {
      throw Failure.badRequest(shape);
    }
    List<String> options = new ArrayList<>();
    for (Object option : array) {
      if (!(option instanceof String raw) || raw.isBlank()) {
        throw Failure.badRequest(shape);
      }
      String text = checked(raw, 1, "poll");
      if (text.codePointCount(0, text.length()) > Poll.MAX_OPTION || options.contains(text)) {
        throw Failure.badRequest(shape);
      }
      options.add(text);
    }
    return Poll.of(options);
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
