package chat.room;

import chat.bus.BridgeRequest;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.RoomId;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What a browser's send must be before it costs a token, and the refusal it gets when it is not. */
class SendValidationTest {

  private final SendValidation validation = new SendValidation(Set.of("news"));

  @Test
  void aGoodSendBecomesTheMessageForItsRoomWithTheTextTrimmed() {
    SendValidation.Send send = validation.check(send("alice", "topic.news", "  hello\n\tthere \n", "c-1"), false);
    assertEquals(new RoomId.Topic("news"), send.room());
    assertEquals(new NewMessage("topic.news", "alice", "hello\n\tthere", "c-1"), send.message());
  }

  @Test
  void aSendWithoutCidLeavesTheKeyToBeMadeLater() {
    assertNull(validation.check(send("alice", "global", "hi", null), false).message().cid());
  }

  @Test
  void textIsCountedInCharactersNotUtf16Units() {
    String longest = "😀".repeat(SendValidation.MAX_TEXT);
    assertEquals(longest, validation.check(send("alice", "global", longest, null), false).message().text());
    refused(400, "text must be 1 to 2000 characters",
      () -> validation.check(send("alice", "global", longest + "😀", null), false));
  }

  @Test
  void badTextIsRefusedWith400() {
    refused(400, "text must be a string",
      () -> validation.check(request("alice", new JsonObject().put("room", "global")), false));
    refused(400, "text must be a string",
      () -> validation.check(request("alice", new JsonObject().put("room", "global").put("text", 7)), false));
    refused(400, "text must be 1 to 2000 characters", () -> validation.check(send("alice", "global", " \n\t ", null), false));
    refused(400, "text must not contain control characters other than line breaks and tabs",
      () -> validation.check(send("alice", "global", "a\u0000b", null), false));
    refused(400, "text must not contain control characters other than line breaks and tabs",
      () -> validation.check(send("alice", "global", "a\u001bb", null), false));
  }

  @Test
  void aCidIsOneTo64Characters() {
    String longest = "c".repeat(SendValidation.MAX_CID);
    assertEquals(longest, validation.check(send("alice", "global", "hi", longest), false).message().cid());
    String refusal = "cid must be a string of 1 to 64 characters";
    refused(400, refusal, () -> validation.check(send("alice", "global", "hi", longest + "c"), false));
    refused(400, refusal, () -> validation.check(send("alice", "global", "hi", ""), false));
    refused(400, refusal,
      () -> validation.check(request("alice", new JsonObject().put("room", "global").put("text", "hi").put("cid", 5)), false));
  }

  @Test
  void theRoomIsCheckedBeforeTheTextAndAPrivateRoomAdmitsOnlyItsMembers() {
    refused(400, "no such room", () -> validation.check(send("alice", "topic.sports", "", null), false));
    refused(403, "not a member of this room", () -> validation.check(send("carol", "dm.alice.bob", "", null), false));
    assertEquals(new RoomId.Direct("alice", "bob"), validation.check(send("Bob", "dm.alice.bob", "hi", null), false).room());
  }

  private static BridgeRequest send(String user, String room, String text, String cid) {
    JsonObject body = new JsonObject().put("room", room).put("text", text);
    return request(user, cid == null ? body : body.put("cid", cid));
  }

  private static BridgeRequest request(String user, JsonObject body) {
    return new BridgeRequest(user, body);
  }

  private static void refused(int code, String message, Executable check) {
    RuntimeException err = assertThrows(RuntimeException.class, check);
    assertEquals(new Failure.Told(code, message), Failure.told(err));
  }
}
