package chat.contact;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests to connect, contacts, blocks and the directMessages setting, on one real node (README "Contacts"). */
class ContactsApiTest {

  static final String CONTACTS_ONLY = "accepts private messages from contacts only: send a request to connect first";

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private static String notices(ChatUser user) {
    String address = "chat.user." + user.name().toLowerCase(Locale.ROOT);
    user.bus().register(address);
    return address;
  }

  private static BridgeClient.Reply dm(ChatUser from, ChatUser to, String text) {
    return from.bus().request("chat.send",
      new JsonObject().put("room", RoomId.between(from.name(), to.name()).id()).put("text", text));
  }

  private static Http.Response settings(ChatUser user, String directMessages) {
    return user.http().post("/api/profile/settings", new JsonObject().put("directMessages", directMessages));
  }

  private static Http.Response request(ChatUser from, ChatUser to) {
    return from.http().post("/api/contacts/requests", new JsonObject().put("username", to.name()));
  }

  private static Http.Response post(ChatUser user, String path) {
    return user.http().call(HttpMethod.POST, path, null, null);
  }

  private static JsonObject contacts(ChatUser user) {
    Http.Response listed = user.http().get("/api/contacts");
    assertEquals(200, listed.status(), listed.body());
    return listed.json();
  }

  @Test
  void theSettingIsEveryoneUntilChangedAndRefusesOtherValues() {
    ChatUser alice = chat.user("alice");
    assertEquals("everyone", alice.http().get("/api/profile/settings").json().getString("directMessages"));
    Http.Response bad = settings(alice, "friends");
    assertEquals(400, bad.status());
    assertEquals("must be everyone or contacts", bad.json().getJsonObject("errors").getString("directMessages"));
    assertEquals(200, settings(alice, "contacts").status());
    assertEquals("contacts", alice.http().get("/api/profile/settings").json().getString("directMessages"));
  }

  @Test
  void aRequestToConnectIsNoticedAcceptedAndThenThePrivateMessageGoes() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String bobNotices = notices(bob);
    String aliceNotices = notices(alice);
    assertEquals(200, settings(bob, "contacts").status());

    BridgeClient.Reply refused = dm(alice, bob, "hello stranger");
    assertEquals(403, refused.failureCode(), refused.frame().encode());
    assertEquals(CONTACTS_ONLY, refused.frame().getString("message"));
    assertEquals(List.of(), bob.bus().historyAfter(RoomId.between(alice.name(), bob.name()).id(), 0),
      "nothing was stored");

    Http.Response asked = request(alice, bob);
    assertEquals(201, asked.status(), asked.body());
    assertEquals("outgoing", asked.json().getString("state"));
    JsonObject notice = bob.bus().next(bobNotices);
    assertEquals("contact.request", notice.getString("type"));
    assertEquals(alice.name(), notice.getString("from"));
    assertEquals(new JsonArray().add(alice.name()), contacts(bob).getJsonArray("incoming"));
    assertEquals(new JsonArray().add(bob.name()), contacts(alice).getJsonArray("outgoing"));

    Http.Response accepted = post(bob, "/api/contacts/requests/" + alice.name() + "/accept");
    assertEquals(200, accepted.status(), accepted.body());
    assertEquals("contact", accepted.json().getString("state"));
    assertEquals("contact.accepted", alice.bus().next(aliceNotices).getString("type"));
    assertEquals(new JsonArray().add(bob.name()), contacts(alice).getJsonArray("contacts"));
    assertEquals(new JsonArray().add(alice.name()), contacts(bob).getJsonArray("contacts"));
    assertEquals(0, contacts(bob).getJsonArray("incoming").size());

    assertEquals("hello contact", dm(alice, bob, "hello contact").body().getString("text"));

    // removed again: back to a stranger
    assertEquals(204, bob.http().call(HttpMethod.DELETE, "/api/contacts/" + alice.name(), null, null).status());
    assertEquals(403, dm(alice, bob, "still there?").failureCode());
    assertEquals(404, bob.http().call(HttpMethod.DELETE, "/api/contacts/" + alice.name(), null, null).status());
  }

  @Test
  void twoRequestsEachWayConnectAndDeclinedOnesGo() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser carol = chat.user("carol");
    assertEquals(201, request(alice, bob).status());
    assertEquals(201, request(alice, bob).status(), "asked again: still one request");
    Http.Response both = request(bob, alice);
    assertEquals(200, both.status());
    assertEquals("contact", both.json().getString("state"));
    assertEquals(200, request(bob, alice).status(), "already contacts");

    request(carol, alice);
    assertEquals(204, post(alice, "/api/contacts/requests/" + carol.name() + "/decline").status());
    assertEquals(404, post(alice, "/api/contacts/requests/" + carol.name() + "/decline").status());
    assertEquals(404, post(alice, "/api/contacts/requests/" + carol.name() + "/accept").status());
    assertEquals(List.of(), contacts(carol).getJsonArray("outgoing").getList());

    for (var refusal : List.of(List.of(alice.name(), "is you"), List.of("nobody" + Names.unique("x"), "no such user"))) {
      Http.Response refused = alice.http().post("/api/contacts/requests", new JsonObject().put("username", refusal.get(0)));
      assertEquals(400, refused.status());
      assertEquals(refusal.get(1), refused.json().getJsonObject("errors").getString("username"));
    }
  }

  @Test
  void aBlockedUserIsRefusedWithoutBeingToldAndLeavesNoTrace() {
    ChatUser bob = chat.user("bob");
    ChatUser mallory = chat.user("mallory");
    String bobNotices = notices(bob);
    Http.Response blocked = bob.http().post("/api/blocks", new JsonObject().put("username", mallory.name()));
    assertEquals(204, blocked.status(), blocked.body());
    assertEquals(new JsonArray().add(mallory.name()), bob.http().get("/api/blocks").json().getJsonArray("blocked"));

    BridgeClient.Reply refused = dm(mallory, bob, "let me in");
    assertEquals(403, refused.failureCode());
    assertEquals(CONTACTS_ONLY, refused.frame().getString("message"), "told exactly what a non-contact is told");
    assertEquals(403, mallory.bus().request("chat.typing",
      new JsonObject().put("room", RoomId.between(mallory.name(), bob.name()).id())).failureCode());

    assertEquals(201, request(mallory, bob).status(), "the request seems to go");
    assertEquals(0, contacts(bob).getJsonArray("incoming").size(), "but bob never sees it");
    String channel = ("m" + Names.unique("c")).toLowerCase(Locale.ROOT);
    mallory.http().post("/api/channels", new JsonObject().put("name", channel).put("visibility", "private"));
    assertEquals(204, mallory.http().post("/api/channels/" + channel + "/invite",
      new JsonObject().put("username", bob.name())).status(), "the invitation seems to go");
    assertEquals(0, bob.http().get("/api/invitations").json().getJsonArray("invitations").size(), "but it is nowhere");
    assertEquals(404, post(bob, "/api/channels/" + channel + "/join").status());

    // in a shared room, mallory's messages do not count as unread for bob; the next person's do
    mallory.bus().request("chat.send", new JsonObject().put("room", "topic.news").put("text", "spam")).body();
    JsonObject unread = bob.http().get("/api/unread").json().getJsonObject("unread");
    Integer before = unread.getInteger("topic.news");
    chat.user("dave").bus().request("chat.send", new JsonObject().put("room", "topic.news").put("text", "real")).body();
    Integer after = bob.http().get("/api/unread").json().getJsonObject("unread").getInteger("topic.news");
    assertEquals(before == null ? 1 : before + 1, after);

    assertEquals(204, bob.http().call(HttpMethod.DELETE, "/api/blocks/" + mallory.name(), null, null).status());
    assertEquals("sorry", dm(mallory, bob, "sorry").body().getString("text"));
    // the only notice bob got is mallory's message after the unblock, never the request
    JsonObject notice = bob.bus().next(bobNotices);
    assertNull(notice.getString("type"));
    assertEquals("sorry", notice.getJsonObject("message").getString("text"));
    assertTrue(bob.bus().received(bobNotices).isEmpty());
  }
}
