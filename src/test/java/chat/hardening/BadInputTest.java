package chat.hardening;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every entry point against a table of bad inputs: each gets its documented error, changes nothing (no user,
 * no stored or published message), leaks no internals, and the server answers the next good request.
 */
class BadInputTest {

  private static TestNode node;
  private static Vertx vertx;
  private static Http alice;
  private static BridgeClient aliceBus;
  private static BridgeClient watcher;

  @BeforeAll
  static void start() {
    node = TestNode.start();
    vertx = Vertx.vertx();
    alice = new Http(vertx, node.port()).signUp("alice");
    new Http(vertx, node.port()).signUp("bob");
    aliceBus = BridgeClient.connect(vertx, node.port(), alice.cookie());
    watcher = BridgeClient.connect(vertx, node.port(), new Http(vertx, node.port()).signUp("watcher").cookie());
    for (String room : new String[]{"global", "topic.general", "topic.news", "dm.alice.bob"}) {
      (room.startsWith("dm.") ? aliceBus : watcher).register("chat.room." + room);
    }
  }

  @AfterAll
  static void stop() {
    aliceBus.close();
    watcher.close();
    node.close();
    vertx.close().await();
  }

  static Stream<Arguments> httpInputs() {
    String huge = "x".repeat(17 * 1024);
    return Stream.of(
      Arguments.of("register: not JSON", "/api/register", "{not json", "application/json", 400),
      Arguments.of("register: JSON array", "/api/register", "[]", "application/json", 400),
      Arguments.of("register: JSON string", "/api/register", "\"alice\"", "application/json", 400),
      Arguments.of("register: empty body", "/api/register", "", "application/json", 400),
      Arguments.of("register: wrong content type", "/api/register", "{}", "text/plain", 415),
      Arguments.of("register: no content type", "/api/register", "{}", null, 415),
      Arguments.of("register: missing fields", "/api/register", "{}", "application/json", 400),
      Arguments.of("register: wrong types", "/api/register",
        "{\"username\":1,\"email\":true,\"password\":[],\"confirmPassword\":{}}", "application/json", 400),
      Arguments.of("register: huge body", "/api/register", "{\"username\":\"" + huge + "\"}", "application/json", 413),
      Arguments.of("register: huge username", "/api/register",
        Http.registration("u".repeat(5000), "correct horse").encode(), "application/json", 400),
      Arguments.of("register: confusable username", "/api/register",
        Http.registration("аlice", "correct horse").encode(), "application/json", 400),
      Arguments.of("register: taken in other case", "/api/register",
        Http.registration("ALICE", "correct horse").put("email", "other@example.test").encode(), "application/json", 409),
      Arguments.of("login: missing password", "/api/login", "{\"username\":\"alice\"}", "application/json", 400),
      Arguments.of("login: wrong types", "/api/login", "{\"username\":[\"alice\"],\"password\":1}", "application/json", 400),
      Arguments.of("login: not JSON", "/api/login", "username=alice", "application/x-www-form-urlencoded", 415),
      Arguments.of("login: huge password", "/api/login",
        new JsonObject().put("username", "alice").put("password", "p".repeat(10_000)).encode(), "application/json", 401));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("httpInputs")
  void badHttpInputGetsItsErrorAndChangesNothing(String why, String path, String body, String type, int status) {
    int usersBefore = userCount();
    Http.Response response = new Http(vertx, node.port()).call(HttpMethod.POST, path, body, type);
    assertEquals(status, response.status(), response.body());
    JsonObject error = response.json();
    assertTrue(error.containsKey("error") || error.containsKey("errors"), response.body());
    assertFalse(response.body().contains("Exception") || response.body().contains("at chat."), response.body());
    assertEquals(usersBefore, userCount(), "no account was created");
    assertGoodRequestStillAnswered();
  }

  static Stream<Arguments> bridgeInputs() {
    return Stream.of(
      Arguments.of("send: no room", send(new JsonObject().put("text", "hi")), 400),
      Arguments.of("send: unknown room", send(body("lobby", "hi")), 400),
      Arguments.of("send: dm with self", send(body("dm.alice.alice", "hi")), 400),
      Arguments.of("send: dm names out of order", send(body("dm.bob.alice", "hi")), 400),
      Arguments.of("send: dm of others", send(body("dm.bob.watcher", "hi")), 403),
      Arguments.of("send: path-like topic", send(body("topic.../..", "hi")), 400),
      Arguments.of("send: upper-case topic", send(body("topic.General", "hi")), 400),
      Arguments.of("send: confusable dm member", send(body("dm.alice.bоb", "hi")), 400),
      Arguments.of("send: text not a string", send(new JsonObject().put("room", "global").put("text", new JsonArray())), 400),
      Arguments.of("send: text only spaces", send(body("global", " \n\t ")), 400),
      Arguments.of("send: text too long", send(body("global", "y".repeat(2001))), 400),
      Arguments.of("send: NUL, which PostgreSQL refuses", send(body("global", "a\u0000b")), 400),
      Arguments.of("send: carriage return", send(body("global", "line\rforged")), 400),
      Arguments.of("send: escape sequence", send(body("global", "\u001b[31mred")), 400),
      Arguments.of("send: DEL and C1 controls", send(body("global", "a\u007fb\u0085c")), 400),
      Arguments.of("history: dm with nobody", new JsonObject().put("type", "send").put("address", "chat.history")
        .put("body", new JsonObject().put("room", "dm.alice.nobody-at-all")).put("replyAddress", "r"), 400),
      Arguments.of("send: body a number", new JsonObject().put("type", "send").put("address", "chat.send").put("body", 5)
        .put("replyAddress", "r"), 400),
      Arguments.of("history: before and after", new JsonObject().put("type", "send").put("address", "chat.history")
        .put("body", new JsonObject().put("room", "global").put("before", 2).put("after", 1)).put("replyAddress", "r"), 400),
      Arguments.of("history: other people's dm", new JsonObject().put("type", "send").put("address", "chat.history")
        .put("body", new JsonObject().put("room", "dm.bob.watcher")).put("replyAddress", "r"), 403));
  }

  private static JsonObject body(String room, String text) {
    return new JsonObject().put("room", room).put("text", text);
  }

  private static JsonObject send(JsonObject body) {
    return new JsonObject().put("type", "send").put("address", "chat.send").put("body", body).put("replyAddress", "r");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bridgeInputs")
  void badFrameGetsAFailureCodeAndNothingIsStoredOrPublished(String why, JsonObject frame, int code) {
    String replyAddress = "bad-" + Names.unique("r");
    aliceBus.sendFrame(frame.copy().put("replyAddress", replyAddress));
    JsonObject answer = aliceBus.take(f -> replyAddress.equals(f.getString("address")));
    assertEquals("err", answer.getString("type"), answer.encode());
    assertEquals(code, answer.getInteger("failureCode"), answer.encode());
    assertNotNull(answer.getString("message"));
    assertGoodRequestStillAnswered();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rawFrames")
  void malformedFramesGetAnErrorFrameAndTheSocketStaysUsable(String why, String raw) {
    aliceBus.sendRaw(raw);
    JsonObject error = aliceBus.take(f -> "err".equals(f.getString("type")) && f.getString("address") == null);
    assertNotNull(error.getString("body"));
    assertGoodRequestStillAnswered();
  }

  static Stream<Arguments> rawFrames() {
    return Stream.of(
      Arguments.of("not JSON", "hello"),
      Arguments.of("no type", "{\"address\":\"chat.send\",\"body\":{}}"),
      Arguments.of("unknown type", "{\"type\":\"teleport\",\"address\":\"chat.send\"}"),
      Arguments.of("no address", "{\"type\":\"send\",\"body\":{}}"),
      Arguments.of("internal address", "{\"type\":\"send\",\"address\":\"store.save\",\"body\":{},\"replyAddress\":\"x\"}"),
      Arguments.of("publish to a room", "{\"type\":\"publish\",\"address\":\"chat.room.global\",\"body\":{\"text\":\"fake\"}}"),
      Arguments.of("register others' dm", "{\"type\":\"register\",\"address\":\"chat.room.dm.bob.watcher\"}"),
      Arguments.of("address a number", "{\"type\":\"register\",\"address\":5}"),
      Arguments.of("type a number", "{\"type\":7,\"address\":\"chat.send\"}"),
      Arguments.of("reply address an object", "{\"type\":\"send\",\"address\":\"chat.send\",\"body\":{},\"replyAddress\":{}}"),
      Arguments.of("reply address too long", "{\"type\":\"send\",\"address\":\"chat.send\",\"body\":{},\"replyAddress\":\""
        + "r".repeat(100) + "\"}"));
  }

  /** A good send reaches the watcher as the very next message: nothing bad was published before it. */
  private static void assertGoodRequestStillAnswered() {
    JsonObject good = aliceBus.request("chat.send", body("global", "good " + Names.unique("n"))).body();
    assertEquals(good, watcher.next("chat.room.global"));
    assertTrue(watcher.received("chat.room.topic.general").isEmpty());
    assertTrue(watcher.received("chat.room.topic.news").isEmpty());
    assertTrue(aliceBus.received("chat.room.dm.alice.bob").isEmpty());
    JsonArray history = aliceBus.request("chat.history", new JsonObject().put("room", "global").put("limit", 100))
      .body().getJsonArray("messages");
    history.forEach(m -> assertTrue(((JsonObject) m).getString("text").startsWith("good "), "only good messages stored"));
  }

  private static int userCount() {
    return alice.get("/api/users?limit=100").json().getJsonArray("users").size();
  }
}
