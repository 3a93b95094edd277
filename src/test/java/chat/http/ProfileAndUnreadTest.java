package chat.http;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileAndUnreadTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private static ChatUser user(String base) {
    return chat.user(base);
  }

  private static JsonObject send(BridgeClient bus, String room, String text) {
    return bus.request("chat.send", new JsonObject().put("room", room).put("text", text)).body();
  }

  private static JsonObject unread(ChatUser user) {
    Http.Response response = user.http().get("/api/unread");
    assertEquals(200, response.status());
    return response.json().getJsonObject("unread");
  }

  @Test
  void unreadCountsOthersMessagesAfterTheHighestReadMark() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(send(bob.bus(), "topic.general", "hi " + i).getLong("id"));
    }
    send(bob.bus(), dm, "private 1");
    send(bob.bus(), dm, "private 2");
    send(alice.bus(), "topic.general", "my own does not count");

    JsonObject counts = unread(alice);
    assertEquals(3, counts.getInteger("topic.general"));
    assertEquals(2, counts.getInteger(dm));
    assertNull(unread(bob).getInteger(dm), "bob's own private messages are not unread for him");

    alice.bus().request("chat.read", new JsonObject().put("room", "topic.general").put("id", ids.get(1))).body();
    assertEquals(1, unread(alice).getInteger("topic.general"));
    // a lower mark from another device never raises the count again
    alice.bus().request("chat.read", new JsonObject().put("room", "topic.general").put("id", ids.get(0))).body();
    assertEquals(1, unread(alice).getInteger("topic.general"));
    alice.bus().request("chat.read", new JsonObject().put("room", "topic.general").put("id", ids.get(2))).body();
    assertNull(unread(alice).getInteger("topic.general"));
  }

  @Test
  void unreadCountsStopAtTheCapWhateverTheHistory() {
    ChatUser reader = user("reader");
    ChatUser talker = user("talker");
    for (int i = 0; i < 1005; i++) {
      talker.bus().request("chat.send", new JsonObject().put("room", "topic.general").put("text", "line " + i)).body();
    }
    assertEquals(1000, reader.http().get("/api/unread").json().getJsonObject("unread").getInteger("topic.general"),
      "counted among the newest thousand only");
  }

  @Test
  void messagesFromBeforeRegistrationAreNotUnread() {
    ChatUser early = user("early");
    String room = "topic.news";
    send(early.bus(), room, "before you came");
    ChatUser late = user("late");
    assertNull(unread(late).getInteger(room));
    send(early.bus(), room, "after you came");
    assertEquals(1, unread(late).getInteger(room));
  }

  @Test
  void badReadMarksAreRefused() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser eve = user("eve");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    assertEquals(400, alice.bus().request("chat.read", new JsonObject().put("room", "global")).failureCode());
    assertEquals(400, alice.bus().request("chat.read", new JsonObject().put("room", "global").put("id", "7")).failureCode());
    assertEquals(400, alice.bus().request("chat.read", new JsonObject().put("room", "global").put("id", -1)).failureCode());
    assertEquals(400, alice.bus().request("chat.read", new JsonObject().put("room", "nowhere").put("id", 1)).failureCode());
    assertEquals(403, eve.bus().request("chat.read", new JsonObject().put("room", dm).put("id", 1)).failureCode());
  }

  @Test
  void privateRoomsListsTheUsersConversationsNewestFirst() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser carol = user("carol");
    String withBob = RoomId.between(alice.name(), bob.name()).id();
    String withCarol = RoomId.between(alice.name(), carol.name()).id();
    send(bob.bus(), withBob, "hi alice");
    send(alice.bus(), withCarol, "hi carol");
    JsonArray rooms = alice.http().get("/api/private-rooms").json().getJsonArray("rooms");
    assertEquals(new JsonArray()
      .add(new JsonObject().put("id", withCarol).put("with", carol.name().toLowerCase()))
      .add(new JsonObject().put("id", withBob).put("with", bob.name().toLowerCase())), rooms);
    assertEquals(1, bob.http().get("/api/private-rooms").json().getJsonArray("rooms").size());
  }

  @Test
  void typingIsRelayedAtMostOncePerTwoSecondsAndOnlyToMembers() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser eve = user("eve");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    bob.bus().register("chat.typing." + dm);
    bob.bus().register("chat.room." + dm);
    assertEquals("err", eve.bus().tryRegister("chat.typing." + dm).getString("type"));
    assertEquals(403, eve.bus().request("chat.typing", new JsonObject().put("room", dm)).failureCode());

    alice.bus().request("chat.typing", new JsonObject().put("room", dm)).body();
    alice.bus().request("chat.typing", new JsonObject().put("room", dm)).body();
    JsonObject typing = bob.bus().next("chat.typing." + dm);
    assertEquals(new JsonObject().put("room", dm).put("username", alice.name()), typing);
    JsonObject marker = send(alice.bus(), dm, "marker");
    assertEquals(marker, bob.bus().next("chat.room." + dm));
    assertTrue(bob.bus().received("chat.typing." + dm).isEmpty(), "the second notice within 2 s was dropped");
  }

  @Test
  void emailCanChangeButStaysUnique() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    Http.Response changed = alice.http().post("/api/profile/email", new JsonObject().put("email", "new-" + alice.name() + "@example.test"));
    assertEquals(200, changed.status());
    assertEquals("new-" + alice.name() + "@example.test", alice.http().get("/api/me").json().getString("email"));
    Http.Response taken = alice.http().post("/api/profile/email",
      new JsonObject().put("email", (bob.name() + "@example.test").toUpperCase()));
    assertEquals(409, taken.status());
    assertNotNull(taken.json().getJsonObject("errors").getString("email"));
    assertEquals(400, alice.http().post("/api/profile/email", new JsonObject().put("email", "nope")).status());
  }

  @Test
  void passwordChangeNeedsTheCurrentOneAndEndsEveryOtherSession() {
    ChatUser alice = user("alice");
    Http otherDevice = chat.http().logIn(alice.name(), alice.password());
    BridgeClient otherSocket = chat.socket(otherDevice);

    Http.Response wrong = alice.http().post("/api/profile/password", new JsonObject()
      .put("currentPassword", "not-it-at-all").put("password", "brand new pass").put("confirmPassword", "brand new pass"));
    assertEquals(400, wrong.status());
    assertNotNull(wrong.json().getJsonObject("errors").getString("currentPassword"));
    assertEquals(400, alice.http().post("/api/profile/password", new JsonObject()
      .put("currentPassword", alice.password()).put("password", "short").put("confirmPassword", "short")).status());

    assertEquals(204, alice.http().post("/api/profile/password", new JsonObject()
      .put("currentPassword", alice.password()).put("password", "brand new pass").put("confirmPassword", "brand new pass")).status());
    otherSocket.awaitClosed();
    assertEquals(401, otherDevice.get("/api/me").status());
    assertEquals(200, alice.http().get("/api/me").status(), "the session that changed it stays");
    assertFalse(alice.bus().isClosed());
    assertEquals(401, chat.http().post("/api/login",
      new JsonObject().put("username", alice.name()).put("password", alice.password())).status());
    chat.http().logIn(alice.name(), "brand new pass");
  }
}
