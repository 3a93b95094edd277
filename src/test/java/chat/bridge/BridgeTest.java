package chat.bridge;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private static ChatUser user(String base) {
    return chat.user(base);
  }

  private static JsonObject send(String room, String text) {
    return new JsonObject().put("room", room).put("text", text);
  }

  @Test
  void socketWithoutLoginIsRefused() {
    assertThrows(BridgeClient.BridgeRefused.class, () -> BridgeClient.connect(chat.vertx(), chat.port(), null));
    assertThrows(BridgeClient.BridgeRefused.class,
      () -> BridgeClient.connect(chat.vertx(), chat.port(), "chat.session=forged0123456789abcdef"));
  }

  @Test
  void globalMessageReachesEveryRegisteredClient() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser carol = user("carol");
    for (ChatUser u : List.of(alice, bob, carol)) {
      u.bus().register("chat.room.global");
    }
    JsonObject stored = alice.bus().request("chat.send", send("global", "  hello all  ")).body();
    assertEquals("hello all", stored.getString("text"));
    assertEquals(alice.name(), stored.getString("sender"));
    assertEquals("global", stored.getString("room"));
    assertTrue(stored.getLong("id") > 0);
    for (ChatUser u : List.of(alice, bob, carol)) {
      assertEquals(stored, u.bus().next("chat.room.global"));
    }
  }

  @Test
  void topicMessageReachesTopicMembersOnly() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser carol = user("carol");
    bob.bus().register("chat.room.topic.news");
    carol.bus().register("chat.room.topic.general");
    JsonObject stored = alice.bus().request("chat.send", send("topic.news", "breaking")).body();
    JsonObject marker = alice.bus().request("chat.send", send("topic.general", "marker")).body();
    assertEquals(stored, bob.bus().next("chat.room.topic.news"));
    assertEquals(marker, carol.bus().next("chat.room.topic.general"));
    assertTrue(carol.bus().received("chat.room.topic.news").isEmpty());
  }

  @Test
  void privateMessageReachesBothMembersAndNeverAThirdUser() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    ChatUser eve = user("eve");
    String room = RoomId.between(alice.name(), bob.name()).id();
    alice.bus().register("chat.room." + room);
    bob.bus().register("chat.room." + room);
    JsonObject refusal = eve.bus().tryRegister("chat.room." + room);
    assertEquals("err", refusal.getString("type"));
    eve.bus().register("chat.room.global");

    JsonObject stored = alice.bus().request("chat.send", send(room, "just us")).body();
    assertEquals(stored, alice.bus().next("chat.room." + room));
    assertEquals(stored, bob.bus().next("chat.room." + room));

    // eve may not write there or read its history either
    assertEquals(403, eve.bus().request("chat.send", send(room, "let me in")).failureCode());
    assertEquals(403, eve.bus().request("chat.history", new JsonObject().put("room", room)).failureCode());

    // published after the private one: once it reaches eve, the private one would have too
    JsonObject marker = alice.bus().request("chat.send", send("global", "marker")).body();
    assertEquals(marker, eve.bus().next("chat.room.global"));
    assertTrue(eve.bus().received("chat.room." + room).isEmpty());
    assertTrue(eve.bus().received("chat.user." + eve.name().toLowerCase()).isEmpty());
  }

  @Test
  void privateMessageNotifiesTheOtherMemberEvenBeforeTheyOpenTheRoom() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    bob.bus().register("chat.user." + bob.name().toLowerCase());
    String room = RoomId.between(alice.name(), bob.name()).id();
    JsonObject stored = alice.bus().request("chat.send", send(room, "psst")).body();
    JsonObject notice = bob.bus().next("chat.user." + bob.name().toLowerCase());
    assertEquals(room, notice.getString("room"));
    assertEquals(stored, notice.getJsonObject("message"));
  }

  @Test
  void quickMessagesToANewPrivatePartnerKeepTheirOrder() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    String room = RoomId.between(alice.name(), bob.name()).id();
    bob.bus().register("chat.room." + room);
    List<JsonObject> texts = IntStream.range(0, 12).mapToObj(i -> send(room, "quick " + i)).toList();
    List<BridgeClient.Reply> replies = BridgeClient.burst(List.of(alice.bus()), "chat.send", texts).replies();
    for (int i = 0; i < texts.size(); i++) {
      JsonObject stored = replies.get(i).body();
      assertEquals("quick " + i, stored.getString("text"));
      assertEquals(stored, bob.bus().next("chat.room." + room), "delivered in the order sent");
    }
  }

  @Test
  void nobodyListensToAnotherUsersNoticesOrUnknownAddresses() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    for (String address : List.of("chat.user." + bob.name().toLowerCase(), "chat.room.topic.nope", "chat.send",
      "store.save", "account.login", "user.notices", "chat.room.dm.zz.aa", "chat.room.dm.aa.aa",
      "chat.room.topic.../..")) {
      assertEquals("err", alice.bus().tryRegister(address).getString("type"), address);
    }
  }

  @Test
  void spoofedSenderIsIgnored() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    bob.bus().register("chat.room.global");
    JsonObject body = send("global", "it was me").put("sender", bob.name());
    JsonObject stored = alice.bus().request("chat.send", body, new JsonObject().put("user", bob.name())).body();
    assertEquals(alice.name(), stored.getString("sender"));
    assertEquals(alice.name(), bob.bus().next("chat.room.global").getString("sender"));
  }

  @Test
  void badSendsGetACodeAndNothingIsPublished() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    bob.bus().register("chat.room.global");
    String dmWithNobody = RoomId.between(alice.name(), "ghost-user").id();
    record Bad(Object body, int code) {
    }
    List<Bad> bad = List.of(
      new Bad(send("global", "   "), 400),
      new Bad(send("global", "x".repeat(2001)), 400),
      new Bad(send("global", null), 400),
      new Bad(new JsonObject().put("room", "global").put("text", 42), 400),
      new Bad(send("lobby", "hi"), 400),
      new Bad(send("topic.unknown", "hi"), 400),
      new Bad(send("dm.alice.alice", "hi"), 400),
      new Bad(send(dmWithNobody, "hi"), 400),
      new Bad(new JsonObject().put("room", 7).put("text", "hi"), 400),
      new Bad("just a string", 400),
      new Bad(send("global", "hi").put("cid", "c".repeat(65)), 400));
    for (Bad b : bad) {
      BridgeClient.Reply reply = alice.bus().request("chat.send", b.body(), null);
      assertTrue(reply.failed(), "refused: " + b.body());
      assertEquals(b.code(), reply.failureCode(), String.valueOf(b.body()));
    }
    // 2000 code points outside the BMP are 4000 chars in Java, still allowed
    String astral = "😀".repeat(2000);
    JsonObject ok = alice.bus().request("chat.send", send("global", astral)).body();
    assertEquals(ok, bob.bus().next("chat.room.global"), "the first message bob sees is the good one");
  }

  @Test
  void browsersCannotPublishOrSendToInternalAddresses() {
    ChatUser alice = user("alice");
    alice.bus().register("chat.room.global");
    alice.bus().sendFrame(new JsonObject().put("type", "publish").put("address", "chat.room.global")
      .put("body", new JsonObject().put("id", 1).put("text", "fake")));
    assertEquals("err", alice.bus().take(f -> "err".equals(f.getString("type"))).getString("type"));
    assertTrue(alice.bus().request("store.save", new JsonObject().put("room", "global")).failed());
    assertTrue(alice.bus().request("account.find", new JsonObject().put("username", "x")).failed());
    JsonObject marker = alice.bus().request("chat.send", send("global", "marker")).body();
    assertEquals(marker, alice.bus().next("chat.room.global"), "the fake publish never arrived");
  }

  @Test
  void aSocketThatStopsPingingIsClosedAndTheOthersKeepWorking() {
    ChatUser alice = user("alice");
    ChatUser bob = user("bob");
    alice.bus().register("chat.room.global");
    bob.bus().register("chat.room.global");
    alice.bus().stopPinging();
    // the bridge looks every ping timeout (10 s) for sockets silent that long: closed within two of them
    alice.bus().awaitClosed(Duration.ofSeconds(25));
    assertEquals((short) 1001, alice.bus().closeStatus(), "WebSocket's \"going away\", as the stock bridge closes");
    JsonObject marker = bob.bus().request("chat.send", send("global", "after alice went")).body();
    assertEquals(marker, bob.bus().next("chat.room.global"), "the others' sockets keep working");
  }

  @Test
  void logoutClosesTheSessionsSockets() {
    ChatUser alice = user("alice");
    alice.bus().register("chat.room.global");
    String cookie = alice.http().cookie();
    assertEquals(204, alice.http().post("/api/logout", null).status());
    alice.bus().awaitClosed();
    assertThrows(BridgeClient.BridgeRefused.class, () -> BridgeClient.connect(chat.vertx(), chat.port(), cookie));
  }
}
