package chat.cluster;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A logout while requests with the same cookie are under way on another node: such a request loaded the session
 * before the logout and writes it back to the clustered store when it finishes, after the logout deleted it. Here
 * those requests are held open on purpose (their bodies sent only after the logout), so the write-back surely comes
 * last; the stolen cookie must stay dead on every node all the same.
 */
class LogoutRaceTest {

  private static TestCluster cluster;
  private static Vertx vertx;
  private static HttpClient raw;

  @BeforeAll
  static void start() {
    cluster = new TestCluster(2);
    vertx = Vertx.vertx();
    raw = vertx.createHttpClient();
  }

  @AfterAll
  static void stop() {
    raw.close().await();
    cluster.close();
    vertx.close().await();
  }

  @Test
  void madeUpSessionIdsAreAnsweredAtOnce() throws Exception {
    Http client = new Http(vertx, cluster.node(1).port());
    long start = System.nanoTime();
    List<io.vertx.core.Future<Http.Response>> answers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String madeUp = java.util.UUID.randomUUID().toString().replace("-", "");
      answers.add(client.callAsync(new RequestOptions().setMethod(HttpMethod.GET).setURI("/api/me")
        .putHeader("Cookie", "chat.session=" + madeUp)));
    }
    for (io.vertx.core.Future<Http.Response> answer : answers) {
      assertEquals(401, answer.await(30, TimeUnit.SECONDS).status());
    }
    // Vert.x's default was to poll the cluster every 5 ms for 5 s for each of them
    long took = System.nanoTime() - start;
    assertTrue(took < Duration.ofSeconds(4).toNanos(), "200 made-up sessions took " + took / 1_000_000 + " ms");
  }

  @Test
  void aLoggedOutSessionStaysDeadOnEveryNodeWhateverFinishesLater() throws Exception {
    String name = Names.unique("alice");
    Http onA = new Http(vertx, cluster.node(0).port()).signUp(name);
    String cookie = onA.cookie();
    // requests on B that have their session already and wait for the rest of their body
    List<HttpClientRequest> underWay = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpClientRequest request = raw.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(cluster.node(1).port()).setURI("/api/profile/email")
          .putHeader("Cookie", cookie).putHeader("Content-Type", "application/json"))
        .await(10, TimeUnit.SECONDS);
      request.setChunked(true);
      request.write("{\"email\": ").await(10, TimeUnit.SECONDS);
      underWay.add(request);
    }
    assertEquals(200, new Http(vertx, cluster.node(1).port()).withCookie(cookie).get("/api/me").status(),
      "the session is in use on B");

    assertEquals(204, onA.post("/api/logout", new JsonObject()).status());
    List<Integer> finished = new ArrayList<>();
    for (int i = 0; i < underWay.size(); i++) {
      HttpClientRequest request = underWay.get(i);
      HttpClientResponse response = request.end(Buffer.buffer("\"" + name + i + "@example.test\"}"))
        .compose(v -> request.response()).await(10, TimeUnit.SECONDS);
      finished.add(response.statusCode());
    }

    // they finished and wrote the session back: whatever they answered, the cookie is dead everywhere
    for (int i = 0; i < 10; i++) {
      Http node = new Http(vertx, cluster.node(i % 2).port()).withCookie(cookie);
      assertEquals(401, node.get("/api/me").status(), "request " + i + " on node " + i % 2 + " (held: " + finished + ")");
    }
    BridgeClient.BridgeRefused refused = assertThrows(BridgeClient.BridgeRefused.class,
      () -> BridgeClient.connect(vertx, cluster.node(1).port(), cookie, Duration.ofSeconds(10)));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, refused.getCause()).getStatus());
  }
}
