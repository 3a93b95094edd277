package chat.http;

import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node behind a proxy at 127.0.0.1 ({@code http.trustedProxies}): requests the proxy forwards count for the
 * client it names, with the public origin it names; anyone else (here: connections from 127.0.0.2) is taken
 * for exactly what its connection says, whatever headers it sends.
 */
class ForwardedRequestsTest {

  private static final String PROXY = "127.0.0.1";
  private static final String STRANGER = "127.0.0.2";
  private static final String PUBLIC = "https://chat.example.org";

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject()
    .put("http", new JsonObject().put("trustedProxies", new JsonArray().add(PROXY)))
    .put("security", new JsonObject().put("registrationsPerAddress", 3).put("loginFailuresPerAddress", 3)));

  @Test
  void registrationsAreCountedForEachClientTheProxyNames() {
    List<Integer> first = register(proxy(), 4, "X-Forwarded-For", "198.51.100.1");
    assertEquals(List.of(201, 201, 201, 429), first);
    assertEquals(List.of(201), register(proxy(), 1, "X-Forwarded-For", "198.51.100.2"), "another client, its own budget");
  }

  @Test
  void aStrangerIsCountedByItsOwnAddressWhateverItForwards() {
    Http stranger = Http.from(chat.vertx(), STRANGER, chat.port());
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      statuses.addAll(register(stranger, 1, "X-Forwarded-For", "198.51.100." + (10 + i), "Forwarded", "for=198.51.100.99"));
    }
    assertEquals(List.of(201, 201, 201, 429), statuses);
    assertEquals(List.of(201), register(proxy(), 1, "X-Forwarded-For", "198.51.100.10"),
      "the address it claimed was never charged");
  }

  @Test
  void malformedForwardedForNeverSpreadsAClientOverAddresses() {
    String name = Names.unique("target");
    assertEquals(201, proxy().post("/api/register", Http.registration(name, "a-good-password")).status());
    List<Integer> statuses = new ArrayList<>();
    for (String garbage : List.of("garbage", "fe80::1%eth0", "1.2.3.4:99999", "[::1", "unknown, 10.0.0.1/8")) {
      // each from the client 198.51.100.50 behind the proxy, which wrote made-up hops left of its own address
      statuses.add(proxy().callWithHeaders(HttpMethod.POST, "/api/login",
        new JsonObject().put("username", name).put("password", "wrong-password").encode(), "application/json",
        "X-Forwarded-For", garbage + ", 198.51.100.50").status());
    }
    assertEquals(List.of(401, 401, 401, 429, 429), statuses);
  }

  @Test
  void hundredsOfGarbageHeadersAtOnceAllGetAnAnswer() throws Exception {
    List<String> values = List.of("\t", "a".repeat(1500), "1.1.1.1:".repeat(150), ",".repeat(1500), "[", "[]:",
      "999999999999999", "::::::::", "1.2.3.4, [2001:db8::1]:70000", "for=\"", "%", "\"\"\"");
    Http proxy = proxy();
    List<Future<Http.Response>> answers = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String value = values.get(i % values.size());
      answers.add(proxy.callAsync(new RequestOptions().setMethod(HttpMethod.GET).setURI("/health")
        .putHeader("X-Forwarded-For", value).putHeader("X-Forwarded-Host", value).putHeader("X-Forwarded-Proto", value)
        .putHeader("Forwarded", value)));
    }
    for (Future<Http.Response> answer : answers) {
      Http.Response response = answer.await(30, TimeUnit.SECONDS);
      assertEquals(200, response.status(), response.body());
      assertTrue(response.json().containsKey("node"), "a made-up hop ends the walk at the proxy itself");
    }
  }

  @Test
  void theOriginCheckedIsThePublicOneTheProxyForwards() {
    String name = Names.unique("public");
    assertEquals(201, proxy().post("/api/register", Http.registration(name, "a-good-password")).status());
    JsonObject credentials = new JsonObject().put("username", name).put("password", "a-good-password");
    String[] forwarded = {"X-Forwarded-For", "198.51.100.60", "X-Forwarded-Proto", "https",
      "X-Forwarded-Host", "chat.example.org"};

    Http.Response sameSite = proxy().callWithHeaders(HttpMethod.POST, "/api/login", credentials.encode(),
      "application/json", with(forwarded, "Origin", PUBLIC));
    assertEquals(200, sameSite.status(), sameSite.body());
    String cookie = sessionCookie(sameSite);
    assertTrue(cookie.contains("; Secure"), "the public scheme is https: " + cookie);

    assertEquals(403, proxy().callWithHeaders(HttpMethod.POST, "/api/login", credentials.encode(), "application/json",
      with(forwarded, "Origin", "https://evil.example")).status());
    assertEquals(403, proxy().callWithHeaders(HttpMethod.POST, "/api/login", credentials.encode(), "application/json",
      with(forwarded, "Origin", "http://chat.example.org")).status(), "another scheme is another origin");
  }

  @Test
  void aStrangerCannotForwardItsWayToAnotherOrigin() {
    String name = Names.unique("direct");
    assertEquals(List.of(201), register(proxy(), name, "X-Forwarded-For", "198.51.100.80"));
    Http stranger = Http.from(chat.vertx(), STRANGER, chat.port());
    String credentials = new JsonObject().put("username", name).put("password", "a-good-password").encode();
    assertEquals(403, stranger.callWithHeaders(HttpMethod.POST, "/api/login", credentials, "application/json",
      "X-Forwarded-Proto", "https", "X-Forwarded-Host", "chat.example.org", "Origin", PUBLIC).status());
    Http.Response own = stranger.callWithHeaders(HttpMethod.POST, "/api/login", credentials, "application/json",
      "X-Forwarded-Proto", "https", "Origin", "http://127.0.0.1:" + chat.port());
    assertEquals(200, own.status(), "its own origin, as it connected");
    assertFalse(sessionCookie(own).contains("Secure"), "plain http, whatever it claimed");
  }

  @Test
  void theBridgeTakesUpgradesFromThePublicOriginOnly() {
    Http alice = proxy().signUp(Names.unique("alice"));
    WebSocketConnectOptions fromPublicPage = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port())
      .addHeader("X-Forwarded-For", "198.51.100.70").addHeader("X-Forwarded-Proto", "https")
      .addHeader("X-Forwarded-Host", "chat.example.org").addHeader("Origin", PUBLIC);
    try (BridgeClient bus = BridgeClient.connect(chat.vertx(), new WebSocketClientOptions(), fromPublicPage,
      alice.cookie(), Duration.ofSeconds(10))) {
      bus.register("chat.room.global");
    }
    WebSocketConnectOptions fromOtherSite = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port())
      .addHeader("X-Forwarded-Proto", "https").addHeader("X-Forwarded-Host", "chat.example.org")
      .addHeader("Origin", "https://evil.example");
    BridgeClient.BridgeRefused refused = assertThrows(BridgeClient.BridgeRefused.class, () -> BridgeClient.connect(
      chat.vertx(), new WebSocketClientOptions(), fromOtherSite, alice.cookie(), Duration.ofSeconds(10)));
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, refused.getCause()).getStatus());
  }

  @Test
  void healthNamesTheNodeOnlyToTheOperator() {
    assertTrue(proxy().get("/health").json().containsKey("node"), "loopback, no forwarding: the operator");
    Http.Response fromInternet = proxy().callWithHeaders(HttpMethod.GET, "/health", null, null,
      "X-Forwarded-For", "203.0.113.5");
    assertEquals(200, fromInternet.status());
    assertFalse(fromInternet.json().containsKey("node"), fromInternet.body());
    assertEquals("UP", fromInternet.json().getString("status"));
  }

  private static Http proxy() {
    return new Http(chat.vertx(), new HttpClientOptions().setLocalAddress(PROXY), "127.0.0.1", chat.port());
  }

  private static List<Integer> register(Http client, String name, String... headers) {
    return List.of(client.callWithHeaders(HttpMethod.POST, "/api/register",
      Http.registration(name, "a-good-password").encode(), "application/json", headers).status());
  }

  private static List<Integer> register(Http client, int times, String... headers) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      statuses.add(client.callWithHeaders(HttpMethod.POST, "/api/register",
        Http.registration(Names.unique("fwd"), "a-good-password").encode(), "application/json", headers).status());
    }
    return statuses;
  }

  private static String[] with(String[] headers, String name, String value) {
    String[] all = java.util.Arrays.copyOf(headers, headers.length + 2);
    all[headers.length] = name;
    all[headers.length + 1] = value;
    return all;
  }

  private static String sessionCookie(Http.Response response) {
    return response.headers().getAll("set-cookie").stream()
      .filter(c -> c.startsWith(HttpVerticle.SESSION_COOKIE + "=")).findFirst().orElseThrow();
  }
}
