package chat.bot;

import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import chat.support.Names;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bot accounts and their tokens (issue 19), on one real node: made, used, re-keyed, deleted, guessed at. */
class BotsTest {

  static final int MAX_PER_USER = 3;
  static final int TOKEN_FAILURES = 10;

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject()
    .put("bots", new JsonObject().put("maxPerUser", MAX_PER_USER).put("tokenFailuresPerMinute", TOKEN_FAILURES)));

  /** A client with a bot's token and no session. */
  static Http.Response asBot(String token, HttpMethod method, String path, JsonObject body) {
    return chat.http().callWithHeaders(method, path, body == null ? null : body.encode(),
      body == null ? null : "application/json", "Authorization", "Bearer " + token);
  }

  /** The bridge as a bot opens it: its token on the upgrade, no cookie, no Origin. */
  static BridgeClient botSocket(String token) {
    return chat.closeAfterTest(BridgeClient.connect(chat.vertx(), new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port()).addHeader("Authorization", "Bearer " + token),
      null, Duration.ofSeconds(10)));
  }

  static JsonObject create(ChatUser owner, String name) {
    Http.Response made = owner.http().post("/api/bots", new JsonObject().put("name", name).put("description", "says hi"));
    assertEquals(201, made.status(), made.body());
    return made.json();
  }

  @Test
  void aBotIsMadePostsWithItsTokenAndLosesItWhenReKeyedOrDeleted() {
    ChatUser alice = chat.user("alice");
    alice.bus().register("chat.room.global");
    String name = Names.unique("Helper");
    JsonObject bot = create(alice, name);
    String token = bot.getString("token");
    assertTrue(token.matches("chatbot_[A-Za-z0-9_-]{43}"), token);
    assertEquals(name, bot.getString("name"));
    assertEquals(alice.name(), bot.getString("owner"));

    // listed without its token, which is shown once
    JsonArray listed = alice.http().get("/api/bots").json().getJsonArray("bots");
    assertEquals(1, listed.size());
    assertEquals(name, listed.getJsonObject(0).getString("name"));
    assertFalse(listed.getJsonObject(0).containsKey("token"), listed.encode());

    // the token is the bot on the API, with no session made for it
    Http.Response me = asBot(token, HttpMethod.GET, "/api/me", null);
    assertEquals(200, me.status(), me.body());
    assertEquals(name, me.json().getString("username"));
    assertTrue(me.headers().getAll("Set-Cookie").isEmpty(), "no session cookie for a bot: " + me.headers());

    // an incoming webhook: stored, published to the room, the bot its sender; a cid sent twice is stored once
    JsonObject post = new JsonObject().put("room", "global").put("text", "hello from a bot").put("cid", "hook-1");
    Http.Response posted = asBot(token, HttpMethod.POST, "/api/bots/messages", post);
    assertEquals(201, posted.status(), posted.body());
    assertEquals(name, posted.json().getString("sender"));
    JsonObject seen = alice.bus().take(frame -> "chat.room.global".equals(frame.getString("address"))
      && frame.getValue("body") instanceof JsonObject body && "hello from a bot".equals(body.getString("text")));
    assertEquals(name, seen.getJsonObject("body").getString("sender"));
    assertEquals(posted.json().getLong("id"), asBot(token, HttpMethod.POST, "/api/bots/messages", post).json().getLong("id"));

    // a new token: the old one is refused at once
    Http.Response rekeyed = alice.http().post("/api/bots/" + name + "/token", null);
    assertEquals(200, rekeyed.status(), rekeyed.body());
    String fresh = rekeyed.json().getString("token");
    assertNotEquals(token, fresh);
    Http.Response old = asBot(token, HttpMethod.GET, "/api/me", null);
    assertEquals(401, old.status());
    assertEquals("invalid or revoked token", old.json().getString("error"));
    assertEquals(200, asBot(fresh, HttpMethod.GET, "/api/me", null).status());

    // deleted: its token goes, and its name stays taken, so nobody posts under the name of its messages
    assertEquals(204, alice.http().call(HttpMethod.DELETE, "/api/bots/" + name, null, null).status());
    assertEquals(401, asBot(fresh, HttpMethod.GET, "/api/me", null).status());
    assertEquals(0, alice.http().get("/api/bots").json().getJsonArray("bots").size());
    Http.Response again = alice.http().post("/api/bots", new JsonObject().put("name", name));
    assertEquals(409, again.status());
    assertEquals("taken", again.json().getJsonObject("errors").getString("name"));
  }

  /** On the bridge a bot is a user like the page's: it listens, sends, reads history; a new token closes it. */
  @Test
  void aBotSpeaksTheBridgeWithItsTokenUntilTheTokenIsReplaced() {
    ChatUser alice = chat.user("alice");
    alice.bus().register("chat.room.global");
    String name = Names.unique("Relay");
    String token = create(alice, name).getString("token");
    BridgeClient bot = botSocket(token);
    bot.register("chat.room.global");
    BridgeClient.Reply sent = bot.request("chat.send", new JsonObject().put("room", "global").put("text", "beep"));
    assertFalse(sent.failed(), sent.frame().encode());
    assertEquals(name, sent.body().getString("sender"), "the bridge stamps the token's bot, nothing the bot says");
    assertEquals(name, alice.bus().next("chat.room.global").getString("sender"));
    alice.bus().request("chat.send", new JsonObject().put("room", "global").put("text", "hi bot"));
    assertEquals("hi bot", bot.take(frame -> "chat.room.global".equals(frame.getString("address"))
      && frame.getValue("body") instanceof JsonObject body && alice.name().equals(body.getString("sender")))
      .getJsonObject("body").getString("text"));
    BridgeClient.Reply history = bot.request("chat.history", new JsonObject().put("room", "global").put("limit", 5));
    assertFalse(history.failed(), history.frame().encode());

    // spoofing another user in the headers changes nothing
    BridgeClient.Reply spoofed = bot.request("chat.send", new JsonObject().put("room", "global").put("text", "me?"),
      new JsonObject().put("user", alice.name()));
    assertEquals(name, spoofed.body().getString("sender"));

    assertEquals(200, alice.http().post("/api/bots/" + name + "/token", null).status());
    bot.awaitClosed();
    assertEquals((short) 4001, bot.closeStatus(), "closed as a session that ended");
    assertThrows(BridgeClient.BridgeRefused.class, () -> botSocket(token), "the old token opens no socket");
    assertThrows(BridgeClient.BridgeRefused.class, () -> botSocket("chatbot_" + "x".repeat(43)));
  }

  @Test
  void botsAndPeopleShareOneNameSpaceAndABotCannotDoWhatOnlyItsOwnerMay() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    Http.Response taken = alice.http().post("/api/bots", new JsonObject().put("name", bob.name().toUpperCase()));
    assertEquals(409, taken.status(), "a person's name, in any case: " + taken.body());
    String name = Names.unique("robot");
    String token = create(alice, name).getString("token");
    Http.Response registered = chat.http().post("/api/register", Http.registration(name, "a long enough password 1"));
    assertEquals(409, registered.status(), registered.body());
    Http.Response login = chat.http().post("/api/login", new JsonObject().put("username", name).put("password", "!"));
    assertEquals(401, login.status(), "nobody logs in as a bot");

    // another person's bot is no bot to bob
    assertEquals(404, bob.http().post("/api/bots/" + name + "/token", null).status());
    assertEquals(404, bob.http().call(HttpMethod.DELETE, "/api/bots/" + name, null, null).status());
    assertEquals(0, bob.http().get("/api/bots").json().getJsonArray("bots").size());

    // the token opens the API as the bot, not its owner's account or bots
    assertEquals(403, asBot(token, HttpMethod.POST, "/api/bots", new JsonObject().put("name", "botsbot")).status());
    assertEquals(403, asBot(token, HttpMethod.GET, "/api/bots", null).status());
    assertEquals(403, asBot(token, HttpMethod.DELETE, "/api/bots/" + name, null).status());
    assertEquals(403, asBot(token, HttpMethod.POST, "/api/profile/email",
      new JsonObject().put("email", "x@example.test")).status());
    assertEquals(200, asBot(token, HttpMethod.GET, "/api/rooms", null).status());
    // a person's session cannot post as a bot
    assertEquals(403, alice.http().post("/api/bots/messages", new JsonObject().put("room", "global").put("text", "x"))
      .status());
  }

  @Test
  void badBotsAndBadPostsAreRefusedNamingTheField() {
    ChatUser alice = chat.user("alice");
    assertEquals("required", alice.http().post("/api/bots", new JsonObject()).json().getJsonObject("errors")
      .getString("name"));
    assertEquals(400, alice.http().post("/api/bots", new JsonObject().put("name", "a b")).status());
    assertEquals("reserved", alice.http().post("/api/bots", new JsonObject().put("name", "messages")).json()
      .getJsonObject("errors").getString("name"));
    assertTrue(alice.http().post("/api/bots", new JsonObject().put("name", Names.unique("long"))
      .put("description", "d".repeat(201))).json().getJsonObject("errors").containsKey("description"));
    assertEquals(400, alice.http().post("/api/bots", new JsonObject().put("name", Names.unique("num"))
      .put("description", 5)).status());
    assertEquals(0, alice.http().get("/api/bots").json().getJsonArray("bots").size(), "none of them was made");

    String token = create(alice, Names.unique("poster")).getString("token");
    Http.Response noRoom = asBot(token, HttpMethod.POST, "/api/bots/messages", new JsonObject().put("text", "x"));
    assertEquals(400, noRoom.status());
    assertTrue(noRoom.json().getString("error").startsWith("room"), noRoom.body());
    ChatUser bob = chat.user("bob");
    ChatUser carol = chat.user("carol");
    String theirs = RoomId.between(bob.name(), carol.name()).id();
    assertEquals(403, asBot(token, HttpMethod.POST, "/api/bots/messages",
      new JsonObject().put("room", theirs).put("text", "x")).status(), "not a member of that private room");
    assertEquals(400, asBot(token, HttpMethod.POST, "/api/bots/messages",
      new JsonObject().put("room", "global").put("text", "x".repeat(5000))).status());
    // from an address of their own: these count towards its limit of wrong tokens
    Http elsewhere = Http.from(chat.vertx(), "127.0.0.3", chat.port());
    for (String bad : List.of("Bearer", "Bearer ", "Bearer xyz", "Bearer chatbot_" + "a".repeat(43), "bearer " + token + "x")) {
      Http.Response refused = elsewhere.callWithHeaders(HttpMethod.GET, "/api/me", null, null, "Authorization", bad);
      assertEquals(401, refused.status(), bad);
      assertTrue(refused.json().containsKey("error"), refused.body());
    }
    elsewhere.close();
  }

  /** An attacker guessing tokens from one address: ten wrong ones a minute, then 429, while a bot elsewhere works. */
  @Test
  void guessedTokensAreRefusedAfterTenAMinuteAndOthersKeepWorking() throws Exception {
    ChatUser alice = chat.user("alice");
    String token = create(alice, Names.unique("worker")).getString("token");
    Http attacker = Http.from(chat.vertx(), "127.0.0.2", chat.port());
    List<Future<Http.Response>> guesses = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      guesses.add(attacker.callAsync(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/me")
        .putHeader("Authorization", "Bearer " + "chatbot_" + String.format("%043d", i))));
    }
    // while they come in, the real bot and its owner are served
    for (int i = 0; i < 5; i++) {
      assertEquals(200, asBot(token, HttpMethod.GET, "/api/me", null).status());
      assertEquals(200, alice.http().get("/api/me").status());
    }
    Future.join(new ArrayList<>(guesses)).await(60, TimeUnit.SECONDS);
    long wrong = guesses.stream().filter(g -> g.result().status() == 401).count();
    long refused = guesses.stream().filter(g -> g.result().status() == 429).count();
    assertEquals(TOKEN_FAILURES, wrong, "at most ten guesses were checked");
    assertEquals(300 - TOKEN_FAILURES, refused);
    assertTrue(guesses.stream().filter(g -> g.result().status() == 429)
      .allMatch(g -> g.result().headers().get("Retry-After") != null), "each 429 says when to come back");
    // the real token from that address is refused too: the address is, for the rest of the minute
    Http.Response fromThere = attacker.callWithHeaders(HttpMethod.GET, "/api/me", null, null, "Authorization", "Bearer " + token);
    assertEquals(429, fromThere.status());
    attacker.close();
  }

  /** A revoked token a script keeps trying from many addresses: refused after ten failures, wherever it comes from. */
  @Test
  void oneTokenFailingTenTimesIsRefusedFromEveryAddress() {
    ChatUser alice = chat.user("alice");
    String name = Names.unique("old");
    String token = create(alice, name).getString("token");
    assertEquals(204, alice.http().call(HttpMethod.DELETE, "/api/bots/" + name, null, null).status());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < TOKEN_FAILURES + 2; i++) {
      Http from = Http.from(chat.vertx(), "127.0.1." + (10 + i), chat.port());
      statuses.add(from.callWithHeaders(HttpMethod.GET, "/api/me", null, null, "Authorization", "Bearer " + token).status());
      from.close();
    }
    assertEquals(java.util.Collections.nCopies(TOKEN_FAILURES, 401), statuses.subList(0, TOKEN_FAILURES));
    assertEquals(List.of(429, 429), statuses.subList(TOKEN_FAILURES, TOKEN_FAILURES + 2));
  }

  /** Twenty creations at once: never more bots than the limit, and every 201 is a bot that exists. */
  @Test
  void aPersonOwnsAtMostTheLimitEvenWhenCreatingAtOnce() throws Exception {
    ChatUser alice = chat.user("alice");
    List<Future<Http.Response>> made = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      made.add(alice.http().callAsync(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/bots")
        .putHeader("Content-Type", "application/json"), new JsonObject().put("name", Names.unique("b" + i)).encode()));
    }
    Future.join(new ArrayList<>(made)).await(60, TimeUnit.SECONDS);
    List<String> created = made.stream().filter(m -> m.result().status() == 201)
      .map(m -> new JsonObject(m.result().body()).getString("name")).sorted().toList();
    assertTrue(created.size() <= MAX_PER_USER && !created.isEmpty(), created.toString());
    assertTrue(made.stream().allMatch(m -> m.result().status() == 201 || m.result().status() == 403),
      made.stream().map(m -> m.result().status() + " " + m.result().body()).toList().toString());
    List<String> listed = alice.http().get("/api/bots").json().getJsonArray("bots").stream()
      .map(b -> ((JsonObject) b).getString("name")).sorted().toList();
    assertEquals(created.stream().map(n -> n.toLowerCase()).toList(), listed.stream().map(n -> n.toLowerCase()).toList());
    while (listed.size() < MAX_PER_USER) {
      // room left after the race: filled one by one, then the next is refused
      create(alice, Names.unique("fill"));
      listed = alice.http().get("/api/bots").json().getJsonArray("bots").stream()
        .map(b -> ((JsonObject) b).getString("name")).toList();
    }
    Http.Response over = alice.http().post("/api/bots", new JsonObject().put("name", Names.unique("over")));
    assertEquals(403, over.status(), over.body());
  }
}
