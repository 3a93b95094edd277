package chat.channel;

import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The channels API on one real node, every endpoint and its refusals (README "Channels"). */
class ChannelsApiTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("channels",
    new JsonObject().put("maxPerUser", 3).put("maxMembers", 4).put("actionsPerMinute", 40)));

  private static String channelName(String base) {
    return Names.unique(base).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static Http.Response create(ChatUser user, String name, String visibility) {
    return user.http().post("/api/channels", new JsonObject().put("name", name).put("visibility", visibility)
      .put("description", "about " + name));
  }

  private static Http.Response post(ChatUser user, String path) {
    return user.http().call(HttpMethod.POST, path, null, null);
  }

  private static Http.Response post(ChatUser user, String path, JsonObject body) {
    return user.http().post(path, body);
  }

  private static JsonObject channel(ChatUser user, String name) {
    Http.Response got = user.http().get("/api/channels/" + name);
    assertEquals(200, got.status(), got.body());
    return got.json();
  }

  private static List<String> members(JsonObject details) {
    return details.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("username") + ":"
      + ((JsonObject) m).getString("role")).toList();
  }

  @Test
  void aPublicChannelIsCreatedFoundJoinedAndLeft() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String name = channelName("pub");
    Http.Response created = create(alice, name, "public");
    assertEquals(201, created.status(), created.body());
    assertEquals("channel." + name, created.json().getString("id"));
    assertEquals(alice.name(), created.json().getString("owner"));
    assertEquals(List.of(alice.name() + ":owner"), members(created.json()));

    JsonArray found = bob.http().get("/api/channels?q=" + name.substring(0, 5)).json().getJsonArray("channels");
    assertTrue(found.stream().anyMatch(c -> ((JsonObject) c).getString("name").equals(name)), found.encode());

    Http.Response joined = post(bob, "/api/channels/" + name + "/join");
    assertEquals(200, joined.status(), joined.body());
    assertEquals(2, joined.json().getInteger("memberCount"));
    assertEquals("member", joined.json().getString("role"));
    JsonArray rooms = bob.http().get("/api/rooms").json().getJsonArray("rooms");
    assertTrue(rooms.stream().anyMatch(r -> ((JsonObject) r).getString("id").equals("channel." + name)), rooms.encode());

    // the system lines are history, in order
    List<String> lines = alice.bus().historyAfter("channel." + name, 0).stream()
      .map(m -> m.getString("system") + " " + m.getString("sender")).toList();
    assertEquals(List.of("created " + alice.name(), "joined " + bob.name()), lines);

    assertEquals(204, post(bob, "/api/channels/" + name + "/leave").status());
    assertEquals(List.of(alice.name() + ":owner"), members(channel(alice, name)));
    assertEquals(409, post(alice, "/api/channels/" + name + "/leave").status(), "the owner cannot just leave");
    assertEquals(403, post(bob, "/api/channels/" + name + "/leave").status(), "not a member any more");
  }

  @Test
  void badAndTakenNamesAreRefusedAndChangeNothing() {
    ChatUser alice = chat.user("alice");
    String name = channelName("taken");
    assertEquals(201, create(alice, name, "public").status());
    for (String bad : List.of("a", "x".repeat(33), "has space", "dot.ted", "ünï")) {
      Http.Response refused = create(alice, bad, "public");
      assertEquals(400, refused.status(), bad);
      assertTrue(refused.json().getJsonObject("errors").containsKey("name"), refused.body());
    }
    for (String reserved : List.of("global", "general", "NEWS")) {
      Http.Response refused = create(alice, reserved, "public");
      assertEquals(400, refused.status(), reserved);
      assertEquals("is reserved", refused.json().getJsonObject("errors").getString("name"));
    }
    Http.Response taken = create(chat.user("carol"), name.toUpperCase(Locale.ROOT), "private");
    assertEquals(409, taken.status(), taken.body());
    assertEquals("is already taken", taken.json().getJsonObject("errors").getString("name"));
    Http.Response badFields = alice.http().post("/api/channels",
      new JsonObject().put("name", channelName("x")).put("visibility", "secret").put("description", 7));
    assertEquals(400, badFields.status());
    assertEquals(List.of("description", "visibility"),
      badFields.json().getJsonObject("errors").fieldNames().stream().sorted().toList());
    assertEquals("public", channel(alice, name).getString("visibility"), "the first one is unchanged");
  }

  @Test
  void missingOrMistypedFieldsAreNamedAndNothingChanges() {
    ChatUser alice = chat.user("alice");
    Http.Response empty = alice.http().post("/api/channels", new JsonObject());
    assertEquals(400, empty.status());
    assertEquals(new JsonObject().put("name", "required").put("visibility", "must be public or private"),
      empty.json().getJsonObject("errors"));
    String name = channelName("fields");
    create(alice, name, "public");
    Http.Response noRole = post(alice, "/api/channels/" + name + "/role", new JsonObject().put("username", alice.name()));
    assertEquals("must be owner, moderator or member", noRole.json().getJsonObject("errors").getString("role"));
    Http.Response notJson = alice.http().call(HttpMethod.POST, "/api/channels/" + name + "/invite", "[1]",
      "application/json");
    assertEquals(400, notJson.status());
    assertEquals(415, alice.http().call(HttpMethod.PATCH, "/api/channels/" + name, "x", "text/plain").status());
    Http.Response badLimit = alice.http().get("/api/channels?limit=0");
    assertEquals("must be from 1 to 100", badLimit.json().getJsonObject("errors").getString("limit"));
    Http.Response noSetting = alice.http().post("/api/profile/settings", new JsonObject().put("directMessages", 1));
    assertEquals(400, noSetting.status());
    assertEquals(List.of(alice.name() + ":owner"), members(channel(alice, name)));
  }

  @Test
  void aPrivateChannelIsInvisibleToOthersUntilTheyAreInvited() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser eve = chat.user("eve");
    String name = channelName("priv");
    assertEquals(201, create(alice, name, "private").status());
    Http.Response unseen = eve.http().get("/api/channels/" + name);
    Http.Response none = eve.http().get("/api/channels/" + channelName("none"));
    assertEquals(404, unseen.status());
    assertEquals(none.body(), unseen.body(), "a private channel reads as one that does not exist");
    assertEquals(404, post(eve, "/api/channels/" + name + "/join").status());
    assertFalse(eve.http().get("/api/channels?q=" + name).json().getJsonArray("channels").stream()
      .anyMatch(c -> ((JsonObject) c).getString("name").equals(name)));

    BridgeClient bobNotices = bob.bus();
    bobNotices.register("chat.user." + bob.name().toLowerCase(Locale.ROOT));
    assertEquals(204, post(alice, "/api/channels/" + name + "/invite", new JsonObject().put("username", bob.name())).status());
    JsonObject notice = bobNotices.next("chat.user." + bob.name().toLowerCase(Locale.ROOT));
    assertEquals("channel.invite", notice.getString("type"));
    assertEquals(alice.name(), notice.getString("from"));
    JsonArray invitations = bob.http().get("/api/invitations").json().getJsonArray("invitations");
    assertEquals(name, invitations.getJsonObject(0).getString("channel"));
    assertTrue(channel(bob, name).getBoolean("invited"), "the invited may look before joining");

    // a plain member of a private channel does not invite; the invited join
    assertEquals(200, post(bob, "/api/channels/" + name + "/join").status());
    assertEquals(403, post(bob, "/api/channels/" + name + "/invite", new JsonObject().put("username", eve.name())).status());
    assertEquals(0, bob.http().get("/api/invitations").json().getJsonArray("invitations").size());

    // a declined invitation is gone
    ChatUser carol = chat.user("carol");
    post(alice, "/api/channels/" + name + "/invite", new JsonObject().put("username", carol.name()));
    assertEquals(204, post(carol, "/api/channels/" + name + "/decline").status());
    assertEquals(404, post(carol, "/api/channels/" + name + "/decline").status());
    assertEquals(404, post(carol, "/api/channels/" + name + "/join").status());
  }

  @Test
  void invitationsOfNobodyThemselvesOrMembersAreFieldErrors() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String name = channelName("inv");
    create(alice, name, "public");
    post(bob, "/api/channels/" + name + "/join");
    for (var refusal : List.of(List.of("nobody-" + Names.unique("x"), "no such user"), List.of(alice.name(), "is you"),
      List.of(bob.name(), "is already a member"))) {
      Http.Response refused = post(alice, "/api/channels/" + name + "/invite",
        new JsonObject().put("username", refusal.get(0)));
      assertEquals(400, refused.status(), refusal.get(0));
      assertEquals(refusal.get(1), refused.json().getJsonObject("errors").getString("username"));
    }
    Http.Response missing = post(alice, "/api/channels/" + name + "/invite", new JsonObject());
    assertEquals("required", missing.json().getJsonObject("errors").getString("username"));
  }

  @Test
  void onlyTheOwnerAndModeratorsRemoveAndOnlyTheOwnerGivesRolesOrDeletes() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser carol = chat.user("carol");
    String name = channelName("mod");
    create(alice, name, "public");
    post(bob, "/api/channels/" + name + "/join");
    post(carol, "/api/channels/" + name + "/join");
    JsonObject removeCarol = new JsonObject().put("username", carol.name());

    assertEquals(403, post(bob, "/api/channels/" + name + "/remove", removeCarol).status());
    assertEquals(403, post(bob, "/api/channels/" + name + "/role",
      new JsonObject().put("username", bob.name()).put("role", "moderator")).status());
    Http.Response badRole = post(alice, "/api/channels/" + name + "/role",
      new JsonObject().put("username", bob.name()).put("role", "king"));
    assertEquals("must be owner, moderator or member", badRole.json().getJsonObject("errors").getString("role"));
    Http.Response made = post(alice, "/api/channels/" + name + "/role",
      new JsonObject().put("username", bob.name()).put("role", "moderator"));
    assertEquals(200, made.status(), made.body());
    assertEquals(204, post(bob, "/api/channels/" + name + "/remove", removeCarol).status());
    assertEquals(400, post(bob, "/api/channels/" + name + "/remove",
      new JsonObject().put("username", alice.name())).status(), "nobody removes the owner");
    assertEquals(List.of(alice.name() + ":owner", bob.name() + ":moderator"), members(channel(alice, name)));

    assertEquals(403, bob.http().call(HttpMethod.DELETE, "/api/channels/" + name, null, null).status());
    Http.Response patched = alice.http().call(HttpMethod.PATCH, "/api/channels/" + name,
      new JsonObject().put("description", "new words").put("visibility", "private").encode(), "application/json");
    assertEquals(200, patched.status(), patched.body());
    assertEquals("private", patched.json().getString("visibility"));
    assertEquals(404, carol.http().get("/api/channels/" + name).status(), "private now, and carol is out");

    // handing over: bob owns it, alice moderates
    post(alice, "/api/channels/" + name + "/role", new JsonObject().put("username", bob.name()).put("role", "owner"));
    assertEquals(List.of(alice.name() + ":moderator", bob.name() + ":owner"), members(channel(alice, name)));
    alice.bus().request("chat.send", new JsonObject().put("room", "channel." + name).put("text", "before the end"));
    assertEquals(204, bob.http().call(HttpMethod.DELETE, "/api/channels/" + name, null, null).status());
    assertEquals(404, alice.http().get("/api/channels/" + name).status());
    assertEquals(201, create(carol, name, "public").status(), "the name is free again");
    assertEquals(List.of("created"), alice.bus().historyAfter("channel." + name, 0).stream()
      .map(m -> m.getString("system")).toList(), "the old history went with the old channel");
  }

  /** Every action by someone who may not take it: refused, and the channel is as it was. */
  @Test
  void actionsOfNonMembersAndPlainMembersAreRefusedAndChangeNothing() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser eve = chat.user("eve");
    String open = channelName("open");
    String secret = channelName("secret");
    create(alice, open, "public");
    create(alice, secret, "private");
    post(bob, "/api/channels/" + open + "/join");
    post(alice, "/api/channels/" + secret + "/invite", new JsonObject().put("username", bob.name()));
    post(bob, "/api/channels/" + secret + "/join");
    JsonObject openBefore = channel(alice, open);
    JsonObject secretBefore = channel(alice, secret);
    JsonObject someone = new JsonObject().put("username", bob.name());
    JsonObject patch = new JsonObject().put("description", "taken over");
    record Attempt(ChatUser who, String channel, HttpMethod method, String action, JsonObject body, int status) {
    }
    List<Attempt> attempts = List.of(
      // a non-member: 403 for the public channel, 404 (as if it did not exist) for the private one
      new Attempt(eve, open, HttpMethod.POST, "/remove", someone, 403),
      new Attempt(eve, open, HttpMethod.POST, "/role", someone.copy().put("role", "member"), 403),
      new Attempt(eve, open, HttpMethod.PATCH, "", patch, 403),
      new Attempt(eve, open, HttpMethod.DELETE, "", null, 403),
      new Attempt(eve, open, HttpMethod.POST, "/invite", new JsonObject().put("username", alice.name()), 403),
      new Attempt(eve, secret, HttpMethod.POST, "/remove", someone, 404),
      new Attempt(eve, secret, HttpMethod.POST, "/invite", new JsonObject().put("username", alice.name()), 404),
      new Attempt(eve, secret, HttpMethod.PATCH, "", patch, 404),
      new Attempt(eve, secret, HttpMethod.DELETE, "", null, 404),
      new Attempt(eve, secret, HttpMethod.POST, "/leave", null, 404),
      // a plain member
      new Attempt(bob, open, HttpMethod.POST, "/remove", new JsonObject().put("username", alice.name()), 403),
      new Attempt(bob, open, HttpMethod.POST, "/role", someone.copy().put("role", "owner"), 403),
      new Attempt(bob, open, HttpMethod.PATCH, "", patch, 403),
      new Attempt(bob, open, HttpMethod.DELETE, "", null, 403),
      new Attempt(bob, secret, HttpMethod.PATCH, "", patch, 403),
      new Attempt(bob, secret, HttpMethod.DELETE, "", null, 403));
    for (Attempt attempt : attempts) {
      String path = "/api/channels/" + attempt.channel() + attempt.action();
      Http.Response refused = attempt.who().http().call(attempt.method(), path,
        attempt.body() == null ? null : attempt.body().encode(), attempt.body() == null ? null : "application/json");
      assertEquals(attempt.status(), refused.status(), attempt.method() + " " + path + " by " + attempt.who().name()
        + ": " + refused.body());
    }
    assertEquals(openBefore, channel(alice, open));
    assertEquals(secretBefore, channel(alice, secret));
  }

  @Test
  void limitsOnChannelsPerOwnerAndMembersPerChannel() {
    ChatUser alice = chat.user("alice");
    String first = channelName("lim");
    for (int i = 0; i < 3; i++) {
      assertEquals(201, create(alice, i == 0 ? first : channelName("lim"), "public").status());
    }
    Http.Response over = create(alice, channelName("lim"), "public");
    assertEquals(403, over.status(), over.body());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, post(chat.user("m"), "/api/channels/" + first + "/join").status());
    }
    Http.Response full = post(chat.user("m"), "/api/channels/" + first + "/join");
    assertEquals(403, full.status(), full.body());
    assertEquals(4, channel(alice, first).getInteger("memberCount"));
  }

  /** Limits met all at once, as an attacker would: each gives exactly its places, whatever the timing. */
  @Test
  void concurrentCreationsAndJoinsStayWithinTheLimits() {
    ChatUser alice = chat.user("alice");
    String prefix = channelName("race");
    List<Future<Http.Response>> creations = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      creations.add(alice.http().callAsync(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/channels")
          .putHeader("Content-Type", "application/json"),
        new JsonObject().put("name", prefix + "-" + i).put("visibility", "public").encode()));
    }
    List<Http.Response> created = Future.all(creations).await().<Http.Response>list().stream()
      .filter(r -> r.status() == 201).toList();
    long owned = alice.http().get("/api/channels?q=" + prefix).json().getJsonArray("channels").stream()
      .filter(c -> alice.name().equals(((JsonObject) c).getString("owner"))).count();
    assertEquals(3, created.size(), "exactly the limit, however many come at once");
    assertEquals(created.size(), owned, "every refused creation left nothing behind");

    String name = created.get(0).json().getString("name");
    List<ChatUser> crowd = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      crowd.add(chat.user("crowd"));
    }
    List<Future<Http.Response>> joins = crowd.stream().map(user -> user.http().callAsync(
      new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/channels/" + name + "/join"))).toList();
    long joined = Future.all(joins).await().<Http.Response>list().stream().filter(r -> r.status() == 200).count();
    assertEquals(3, joined, "the places left, taken once each");
    assertEquals(1 + joined, (long) channel(alice, name).getInteger("memberCount"));
  }

  /**
   * 200 joins at once from one user: the user's 40 actions a minute pass (the creation was one), every other one is
   * 429, and someone else's join meanwhile goes through.
   */
  @Test
  void aFloodOfActionsIsRefusedWith429WhileOthersAreServed() {
    ChatUser alice = chat.user("alice");
    String name = channelName("flood");
    create(alice, name, "public");
    List<Future<Http.Response>> flood = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      flood.add(alice.http().callAsync(new RequestOptions().setMethod(HttpMethod.POST)
        .setURI("/api/channels/" + name + "/join")));
    }
    assertEquals(200, post(chat.user("bob"), "/api/channels/" + name + "/join").status());
    Map<Integer, Long> statuses = Future.all(flood).await().<Http.Response>list().stream()
      .collect(Collectors.groupingBy(Http.Response::status, Collectors.counting()));
    assertEquals(Map.of(200, 39L, 429, 161L), statuses);
    assertEquals(2, channel(alice, name).getInteger("memberCount"), "the refused changed nothing");
  }
}
