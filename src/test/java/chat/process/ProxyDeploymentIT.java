package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NginxProxy;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestCluster;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's deployment, for real: three node processes on an HSQLDB server, Debian's nginx in front of them running
 * deploy/nginx/chat.conf with TLS (bin/local-proxy), the nodes trusting nginx's address (127.0.0.1) and nothing
 * else. Clients come from other loopback addresses (127.0.0.2, …), which nginx sees as different machines.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProxyDeploymentIT {

  private static final int LIMIT = 3;
  private static final String PASSWORD = "a-good-password";

  @RegisterExtension
  static final ProcessFixture processes = ProcessFixture.perClass();
  private static final List<Integer> nodePorts = new ArrayList<>();
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static NginxProxy nginx;

  @BeforeAll
  static void startClusterBehindNginx() {
    int dbPort = Ports.free();
    processes.database(dbPort);
    List<Integer> hazelcastPorts = List.of(Ports.free(), Ports.free(), Ports.free());
    JsonArray members = new JsonArray();
    hazelcastPorts.forEach(port -> members.add("127.0.0.1:" + port));
    String clusterName = "proxy-" + UUID.randomUUID();
    List<JsonObject> configs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int httpPort = Ports.free();
      nodePorts.add(httpPort);
      JsonObject config = ProcessFixture.nodeConfig(httpPort, "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat");
      config.getJsonObject("http").put("trustedProxies", new JsonArray().add("127.0.0.1"));
      config.getJsonObject("security").put("registrationsPerAddress", LIMIT);
      config.put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
        .put("port", hazelcastPorts.get(i)).put("members", members).put("name", clusterName));
      configs.add(config);
      nodes.add(processes.start("node" + (i + 1), config, java.util.Map.of()));
    }
    for (int i = 0; i < 3; i++) {
      processes.awaitHealthy(nodes.get(i), configs.get(i), 3);
    }
    nginx = processes.stopsWithIt(NginxProxy.start(processes.dir(), nodePorts));
  }

  @Test
  @Order(1)
  void thePageTheApiAndTheBridgeWorkThroughNginxWithASecureCookie() {
    Http browser = viaNginx("127.0.0.2");
    Http.Response page = browser.callWithHeaders(HttpMethod.GET, "/js/chat.js", null, null, "Accept-Encoding", "gzip");
    assertEquals(200, page.status());
    assertEquals("gzip", page.headers().get("Content-Encoding"), "scripts are compressed");
    assertTrue(page.headers().get("Strict-Transport-Security").startsWith("max-age="), "HSTS");

    String alice = "alice" + suffix();
    assertEquals(201, register(browser, alice));
    Http.Response login = logIn(browser, alice, nginx.origin());
    assertEquals(200, login.status(), login.body());
    String cookie = login.headers().getAll("set-cookie").stream().filter(c -> c.startsWith("chat.session="))
      .findFirst().orElseThrow();
    assertTrue(cookie.contains("; Secure"), "nginx forwards https: " + cookie);
    assertEquals(alice, browser.get("/api/me").json().getString("username"));

    try (BridgeClient bus = BridgeClient.connect(processes.vertx(), webSockets("127.0.0.2"),
      wss().addHeader("Origin", nginx.origin()), browser.cookie(), Duration.ofSeconds(10))) {
      bus.register("chat.room.global");
      JsonObject sent = bus.request("chat.send", new JsonObject().put("room", "global").put("text", "through nginx")).body();
      assertEquals(sent, bus.next("chat.room.global"));
    }
  }

  @Test
  @Order(2)
  void anotherSitesPageIsRefusedThroughNginx() {
    Http browser = viaNginx("127.0.0.3");
    String bob = "bob" + suffix();
    assertEquals(201, register(browser, bob));
    assertEquals(403, logIn(browser, bob, "https://evil.example").status());
    assertEquals(403, logIn(browser, bob, "http://localhost:" + nginx.port()).status(), "not the https origin");
    assertEquals(200, logIn(browser, bob, nginx.origin()).status());
    BridgeClient.BridgeRefused refused = assertThrows(BridgeClient.BridgeRefused.class, () -> BridgeClient.connect(
      processes.vertx(), webSockets("127.0.0.3"), wss().addHeader("Origin", "https://evil.example"), browser.cookie(),
      Duration.ofSeconds(10)));
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, refused.getCause()).getStatus());
  }

  @Test
  @Order(3)
  void throttlingCountsEachClientNginxSees() {
    assertEquals(List.of(201, 201, 201, 429), registrations(viaNginx("127.0.0.4"), 4));
    assertEquals(List.of(201), registrations(viaNginx("127.0.0.5"), 1), "another client: its own budget");
    // a client writing its own X-Forwarded-For: nginx appends the address it really came from, which counts
    List<Integer> forging = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      forging.addAll(registrations(viaNginx("127.0.0.6"), 1, "X-Forwarded-For", "198.51.100." + i));
    }
    assertEquals(List.of(201, 201, 201, 429), forging);
  }

  @Test
  @Order(4)
  void aDirectRequestThatForwardsForItselfIsCountedByItsRealAddress() {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Http direct = Http.from(processes.vertx(), "127.0.0.7", nodePorts.get(i % 3));
      statuses.addAll(registrations(direct, 1, "X-Forwarded-For", "198.51.100." + (20 + i)));
    }
    assertEquals(List.of(201, 201, 201, 429), statuses, "counted for 127.0.0.7 on every node");
  }

  @Test
  @Order(5)
  void aKilledNodeIsPassedOver() {
    nodes.get(2).kill();
    Http browser = viaNginx("127.0.0.8");
    for (int i = 0; i < 12; i++) {
      assertEquals(200, browser.get("/health").status(), "request " + i + " after node 3 died");
    }
    String carol = "carol" + suffix();
    assertEquals(201, register(browser, carol));
    assertEquals(200, logIn(browser, carol, nginx.origin()).status());
    TestCluster.awaitTrue("the others see node 3 gone", () -> processes.health(nodePorts.get(0))
      .getInteger("clusterSize", 0) == 2);
  }

  private static Http viaNginx(String sourceAddress) {
    return new Http(processes.vertx(), nginx.trusting(new HttpClientOptions()).setLocalAddress(sourceAddress),
      "localhost", nginx.port());
  }

  private static WebSocketClientOptions webSockets(String sourceAddress) {
    return nginx.trusting(new WebSocketClientOptions()).setLocalAddress(sourceAddress);
  }

  private static WebSocketConnectOptions wss() {
    return new WebSocketConnectOptions().setHost("localhost").setPort(nginx.port()).setSsl(true);
  }

  private static int register(Http client, String name) {
    return client.post("/api/register", Http.registration(name, PASSWORD)).status();
  }

  private static List<Integer> registrations(Http client, int times, String... headers) {
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < times; i++) {
      statuses.add(client.callWithHeaders(HttpMethod.POST, "/api/register",
        Http.registration("user" + suffix(), PASSWORD).encode(), "application/json", headers).status());
    }
    return statuses;
  }

  private static Http.Response logIn(Http client, String name, String origin) {
    return client.callWithHeaders(HttpMethod.POST, "/api/login",
      new JsonObject().put("username", name).put("password", PASSWORD).encode(), "application/json", "Origin", origin);
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
