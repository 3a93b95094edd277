package chat.http;

import chat.support.BridgeClient;
import chat.support.Certificates;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node serving https itself ({@code http.tls}), for those without a proxy, with a self-signed certificate. */
class DirectTlsTest {

  @TempDir
  static Path dir;
  static Certificates.Pem certificate;
  static TestNode node;
  static Vertx vertx;

  @BeforeAll
  static void startNode() {
    certificate = Certificates.selfSigned(dir, "node");
    node = TestNode.start(TestNode.newDataDir(), new JsonObject().put("http", new JsonObject().put("tls",
      new JsonObject().put("certPath", certificate.cert().toString()).put("keyPath", certificate.key().toString()))));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    node.close();
    vertx.close().await();
  }

  @Test
  void pageApiAndBridgeWorkOverTlsWithASecureCookie() {
    Http https = new Http(vertx, trusting(new HttpClientOptions()).setSsl(true).setVerifyHost(true), "localhost", node.port());
    Http.Response page = https.get("/");
    assertEquals(200, page.status());
    assertTrue(page.body().contains("<html"), "the page");

    String name = Names.unique("tls");
    assertEquals(201, https.post("/api/register", Http.registration(name, "a-good-password")).status());
    Http.Response login = https.callWithHeaders(io.vertx.core.http.HttpMethod.POST, "/api/login",
      new JsonObject().put("username", name).put("password", "a-good-password").encode(), "application/json",
      "Origin", "https://localhost:" + node.port());
    assertEquals(200, login.status(), login.body());
    String cookie = login.headers().getAll("set-cookie").stream()
      .filter(c -> c.startsWith(HttpVerticle.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertTrue(cookie.contains("; Secure"), cookie);

    WebSocketConnectOptions wss = new WebSocketConnectOptions().setHost("localhost").setPort(node.port()).setSsl(true)
      .addHeader("Origin", "https://localhost:" + node.port());
    try (BridgeClient bus = BridgeClient.connect(vertx, trusting(new WebSocketClientOptions()), wss, https.cookie(),
      Duration.ofSeconds(10))) {
      bus.register("chat.room.global");
      JsonObject sent = bus.request("chat.send", new JsonObject().put("room", "global").put("text", "over TLS")).body();
      assertEquals(sent, bus.next("chat.room.global"));
    }
  }

  @Test
  void plainHttpOnTheTlsPortGetsNoPage() {
    Http plain = new Http(vertx, node.port());
    assertThrows(IllegalStateException.class, () -> plain.get("/"));
  }

  private static <T extends io.vertx.core.net.ClientOptionsBase> T trusting(T options) {
    options.setTrustOptions(new PemTrustOptions().addCertPath(certificate.cert().toString()));
    return options;
  }
}
