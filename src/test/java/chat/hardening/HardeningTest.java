package chat.hardening;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.ChatFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node with the real limits of a public chat (default rates and throttles). */
class HardeningTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("security", new JsonObject()
    .put("messagesPerSecond", 10).put("messageBurst", 20).put("loginFailuresPerUser", 5)
    .put("loginFailuresPerAddress", 20).put("registrationsPerAddress", 1000)));

  private static BridgeClient socket(Http user) {
    return chat.socket(user);
  }

  private static Http user(String base) {
    return chat.http().signUp(Names.unique(base));
  }

  private static JsonObject general(String text) {
    return new JsonObject().put("room", "topic.general").put("text", text);
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("room", "global").put("text", text);
  }

  @Test
  void aFloodOfMessagesIsRefusedWith429AcrossAllSocketsOfTheUser() {
    Http flooder = user("flood");
    BridgeClient first = socket(flooder);
    BridgeClient second = socket(flooder);
    Http watcher = user("watch");
    BridgeClient watching = socket(watcher);
    watching.register("chat.room.topic.general");
    List<JsonObject> spam = IntStream.range(0, 40).mapToObj(i -> general("spam " + i)).toList();
    int accepted = BridgeClient.burst(List.of(first, second), "chat.send", spam).assertLimitedTo(20, 10);
    JsonObject marker = watching.request("chat.send", general("marker")).body();
    for (int i = 0; i < accepted; i++) {
      assertTrue(watching.next("chat.room.topic.general").getString("text").startsWith("spam"));
    }
    assertEquals(marker, watching.next("chat.room.topic.general"), "refused messages were never published");
    JsonArray history = watching.request("chat.history", new JsonObject().put("room", "topic.general").put("limit", 100))
      .body().getJsonArray("messages");
    assertEquals(accepted + 1, history.size(), "refused messages were never stored");
  }

  @Test
  void resendingTheSameClientIdReturnsTheStoredMessageWithoutADuplicate() {
    Http alice = user("cid");
    BridgeClient bus = socket(alice);
    bus.register("chat.room.topic.news");
    JsonObject message = new JsonObject().put("room", "topic.news").put("text", "only once").put("cid", "c-123");
    JsonObject first = bus.request("chat.send", message).body();
    JsonObject again = bus.request("chat.send", message.copy()).body();
    assertEquals(first, again);
    assertEquals(first, bus.next("chat.room.topic.news"));
    JsonObject marker = bus.request("chat.send", new JsonObject().put("room", "topic.news").put("text", "m")).body();
    assertEquals(marker, bus.next("chat.room.topic.news"), "the resend was not published again");
  }

  /**
   * Messages of different rooms arriving together are inserted in one statement; a resend among them makes that
   * statement fail, and must cost the others nothing.
   */
  @Test
  void aResendInABurstOfNewMessagesIsStoredOnceAndTheOthersAreStoredToo() {
    String name = Names.unique("batch");
    BridgeClient bus = socket(chat.http().signUp(name));
    String other = Names.unique("other");
    chat.http().signUp(other);
    String privateRoom = RoomId.between(name, other).id();
    List<String> rooms = List.of("topic.news", privateRoom, "global");
    rooms.forEach(room -> bus.register(Addresses.room(room)));
    JsonObject first = bus.request("chat.send", message("topic.news", "first", "b-0")).body();
    assertEquals(first, bus.next("chat.room.topic.news"));
    List<JsonObject> burst = new ArrayList<>();
    IntStream.rangeClosed(1, 14).forEach(i -> burst.add(message(rooms.get(i % 3), "m" + i, "b-" + i)));
    burst.add(7, message("topic.news", "first", "b-0"));
    List<BridgeClient.Reply> replies = BridgeClient.burst(List.of(bus), "chat.send", burst).replies();

    assertEquals(first, replies.get(7).body(), "the resend is answered with the stored message");
    for (int i = 0; i < burst.size(); i++) {
      if (i != 7) {
        JsonObject stored = replies.get(i).body();
        assertEquals(burst.get(i).getString("text"), stored.getString("text"));
        assertEquals(stored, bus.next(Addresses.room(stored.getString("room"))));
      }
    }
    for (String room : rooms) {
      JsonObject marker = bus.request("chat.send", message(room, "marker", null)).body();
      assertEquals(marker, bus.next(Addresses.room(room)), "nothing else was published in " + room);
    }
    List<String> newsStored = bus.historyAfter("topic.news", first.getLong("id") - 1).stream()
      .map(m -> m.getString("text")).toList();
    assertEquals(List.of("first", "m3", "m6", "m9", "m12", "marker"), newsStored, "each message stored once");
  }

  private static JsonObject message(String room, String text, String cid) {
    return new JsonObject().put("room", room).put("text", text).put("cid", cid);
  }

  @Test
  void fiveFailedLoginsForAUsernameGive429WithRetryAfter() {
    String name = Names.unique("target");
    chat.http().signUp(name);
    Http attacker = chat.http();
    for (int i = 0; i < 5; i++) {
      assertEquals(401, attacker.post("/api/login", new JsonObject().put("username", name).put("password", "guess-" + i)).status());
    }
    Http.Response blocked = attacker.post("/api/login", new JsonObject().put("username", name.toUpperCase())
      .put("password", "pw-" + name + "-long"));
    assertEquals(429, blocked.status());
    long retryAfter = Long.parseLong(blocked.headers().get("Retry-After"));
    assertTrue(retryAfter > 0 && retryAfter <= 300, "Retry-After " + retryAfter);
    assertNotNull(blocked.json().getString("error"));
  }

  @Test
  void unknownUserAndWrongPasswordTakeAboutTheSameTime() {
    String name = Names.unique("timing");
    chat.http().signUp(name);
    // warm up both paths, then compare medians (each login is a bcrypt check either way)
    long wrong = medianLoginNanos(name, "wrong-password");
    long unknown = medianLoginNanos(name + "-nobody", "wrong-password");
    double ratio = (double) Math.max(wrong, unknown) / Math.min(wrong, unknown);
    assertTrue(ratio < 3, "wrong password " + wrong / 1000 + " µs vs unknown user " + unknown / 1000 + " µs");
  }

  private long medianLoginNanos(String username, String password) {
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Http client = chat.http();
      long start = System.nanoTime();
      assertEquals(401, client.post("/api/login", new JsonObject().put("username", username).put("password", password)).status());
      times.add(System.nanoTime() - start);
    }
    times.sort(Long::compare);
    return times.get(1);
  }

  @Test
  void crossOriginPostsAndSocketsAreRefused() {
    Http alice = user("origin");
    Http.Response foreign = alice.call(HttpMethod.POST, "/api/logout", null, null);
    assertEquals(204, foreign.status(), "no Origin: not a browser acting for another site");
    Http bob = user("origin");
    RequestWithOrigin evil = new RequestWithOrigin("https://evil.example");
    assertEquals(403, evil.post(bob, "/api/logout").status());
    assertEquals(200, bob.get("/api/me").status(), "still logged in");
    RequestWithOrigin own = new RequestWithOrigin("http://127.0.0.1:" + chat.port());
    assertEquals(201, own.post(chat.http(), "/api/register",
      Http.registration(Names.unique("same"), "correct horse")).status());

    WebSocketClient client = chat.vertx().createWebSocketClient();
    try {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port())
        .setURI("/eventbus/websocket").addHeader("Cookie", bob.cookie()).addHeader("Origin", "https://evil.example");
      assertThrows(Exception.class, () -> client.connect(options).await(10, TimeUnit.SECONDS));
    } finally {
      client.close();
    }
  }

  /** Sends the Origin header a browser would add. */
  private record RequestWithOrigin(String origin) {
    Http.Response post(Http as, String path) {
      return post(as, path, new JsonObject());
    }

    Http.Response post(Http as, String path, JsonObject body) {
      return as.callWithHeaders(HttpMethod.POST, path, body.encode(), "application/json", "Origin", origin);
    }
  }

  @Test
  void pollingTransportsAreOff() {
    Http alice = user("poll");
    assertEquals(404, alice.call(HttpMethod.POST, "/eventbus/123/abcdef/xhr", "", null).status());
    assertEquals(404, alice.call(HttpMethod.GET, "/eventbus/123/abcdef/eventsource", null, null).status());
    assertEquals(404, alice.call(HttpMethod.GET, "/eventbus/123/abcdef/jsonp?c=x", null, null).status());
  }

  @Test
  void securityHeadersOnEveryPage() {
    for (String path : List.of("/", "/index.html", "/api/me", "/health", "/nope")) {
      Http.Response response = chat.http().get(path);
      String csp = response.headers().get("Content-Security-Policy");
      assertNotNull(csp, path);
      assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertEquals("nosniff", response.headers().get("X-Content-Type-Options"), path);
      assertNotNull(response.headers().get("Referrer-Policy"), path);
    }
  }

  @Test
  void nothingAClientSendsLogsAStackTraceAtErrorLevel() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
      new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    root.addAppender(seen);
    try {
      garbageFramesGetAnErrorAndTheSocketStaysUsable();
      framesOver64KibAreRefused();
      Http client = chat.http();
      client.call(HttpMethod.POST, "/api/login", "{\"username\": [", "application/json");
      client.call(HttpMethod.POST, "/api/register", "x".repeat(20_000), "application/json");
      assertEquals(200, chat.http().get("/health").status());
    } finally {
      root.detachAppender(seen);
    }
    List<String> errors = seen.list.stream()
      .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR) || e.getThrowableProxy() != null)
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    assertEquals(List.of(), errors);
  }

  @Test
  void garbageFramesGetAnErrorAndTheSocketStaysUsable() {
    BridgeClient bus = socket(user("garbage"));
    for (String garbage : List.of("not json", "[1,2,3]", "{}", "{\"type\":\"fly\",\"address\":\"x\"}",
      "{\"type\":\"send\"}", "{\"type\":\"register\",\"address\":\"" + "x".repeat(300) + "\"}")) {
      bus.sendRaw(garbage);
      JsonObject error = bus.take(f -> "err".equals(f.getString("type")));
      assertNotNull(error.getString("body"), garbage);
    }
    bus.register("chat.room.global");
    assertEquals("still here", bus.request("chat.send", text("still here")).body().getString("text"));
  }

  @Test
  void framesOver64KibAreRefused() {
    BridgeClient bus = socket(user("huge"));
    // one frame, as a browser sends it: the server closes the socket (1009 message too big)
    bus.sendSingleFrame(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r1")
      .put("body", text("x".repeat(70_000))).encode());
    bus.awaitClosed();
    BridgeClient again = socket(user("huge"));
    assertFalse(again.request("chat.send", text("small is fine")).failed());
  }

  @Test
  void atMost50RegistrationsPerSocket() {
    String name = Names.unique("regs");
    Http alice = chat.http().signUp(name);
    BridgeClient bus = socket(alice);
    List<String> addresses = new ArrayList<>(List.of("chat.room.global", "chat.room.topic.general",
      "chat.room.topic.news", "chat.typing.global", "chat.typing.topic.general", "chat.typing.topic.news",
      "chat.presence"));
    // private rooms with real people: one with a made-up partner is not a room at all
    for (int i = 0; addresses.size() < 51; i++) {
      String friend = Names.unique("friend");
      chat.http().post("/api/register", Http.registration(friend, Http.passwordOf(friend)));
      addresses.add("chat.room." + RoomId.between(name, friend).id());
    }
    for (String address : addresses.subList(0, 50)) {
      bus.register(address);
    }
    JsonObject refused = bus.tryRegister(addresses.get(50));
    assertEquals("err", refused.getString("type"));
    assertEquals("max_handlers_reached", refused.getString("body"));
  }
}
