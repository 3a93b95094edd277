package chat.cluster;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * presence.offlineGraceSeconds: a user whose page reconnects within it, to the same node or another, or away from
 * a node that left the cluster, is never announced offline and back; one who stays away is announced offline once,
 * after it; a bot, which gets no grace, at once. Two real nodes; the last test stops node 1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceGraceTest {

  /**
   * Far longer than a reconnect takes here, even on a loaded CI box, and than {@link #PAGE_BACKOFF_MS} plus a
   * node's restart.
   */
  private static final int GRACE_SECONDS = 10;
  /**
   * How long the page that comes back after its node left waits before reconnecting, as a page's backoff does:
   * longer than the others take to notice the node is gone, so that they have dropped its users by then.
   */
  private static final long PAGE_BACKOFF_MS = PresenceVerticle.NODE_CHECK_MS + 500;

  private static Vertx vertx;
  private static TestCluster cluster;
  private static Http watcherHttp;
  private static BridgeClient watcher;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    cluster = new TestCluster(2,
      new JsonObject().put("presence", new JsonObject().put("offlineGraceSeconds", GRACE_SECONDS)));
    watcherHttp = new Http(vertx, cluster.node(0).port()).signUp(Names.unique("watcher"));
    watcher = BridgeClient.connect(vertx, cluster.node(0).port(), watcherHttp.cookie());
    watcher.register("chat.presence");
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  void reconnectsWithinTheGraceAreNotAnnouncedAndLeavingIsAnnouncedOnceAfterIt() {
    int port0 = cluster.node(0).port();
    int port1 = cluster.node(1).port();
    String name = Names.unique("flaky");
    Http http = new Http(vertx, port0).signUp(name);
    BridgeClient socket = BridgeClient.connect(vertx, port0, http.cookie());
    assertEquals(true, watcher.take(about(name)).getJsonObject("body").getBoolean("online"));

    // a reload on the same node, then a move to the other node, each within the grace
    socket.close();
    socket = BridgeClient.connect(vertx, port0, http.cookie());
    socket.close();
    socket = BridgeClient.connect(vertx, port1, http.cookie());
    socket.close();
    long closedAt = System.nanoTime();

    JsonObject gone = watcher.take(about(name)).getJsonObject("body");
    long afterMs = (System.nanoTime() - closedAt) / 1_000_000;
    assertEquals(false, gone.getBoolean("online"), "the first word about him after he came online: " + gone);
    assertTrue(afterMs >= GRACE_SECONDS * 1000L - 200, "announced offline only after the grace: " + afterMs + " ms");
    assertEquals(List.of(), watcher.framesWhere(about(name)), "one announcement, no flicker");
    assertEquals(false, watcherHttp.online(name));
  }

  @Test
  @Order(2)
  void aBotThatLeavesIsOfflineAtOnceSoItsCommandsAreRefused() {
    String name = Names.unique("sleepy");
    Http.Response made = watcherHttp.post("/api/bots", new JsonObject().put("name", name));
    assertEquals(201, made.status(), made.body());
    Http.Response commands = watcherHttp.call(HttpMethod.PUT, "/api/bots/" + name + "/commands",
      new JsonArray().add(new JsonObject().put("name", name.toLowerCase()).put("description", "sleeps")).encode(),
      "application/json");
    assertEquals(200, commands.status(), commands.body());
    BridgeClient bot = BridgeClient.connect(vertx, new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.node(1).port())
        .addHeader("Authorization", "Bearer " + made.json().getString("token")), null, Duration.ofSeconds(10));
    bot.register("chat.user." + name);
    assertEquals(true, watcher.take(about(name)).getJsonObject("body").getBoolean("online"));

    bot.close();
    long closedAt = System.nanoTime();
    assertEquals(false, watcher.take(about(name)).getJsonObject("body").getBoolean("online"));
    long afterMs = (System.nanoTime() - closedAt) / 1_000_000;
    assertTrue(afterMs < GRACE_SECONDS * 1000L / 2, "a bot is offline without the grace: " + afterMs + " ms");
    BridgeClient.Reply refused = watcher.request("chat.send",
      new JsonObject().put("room", "global").put("text", "/" + name.toLowerCase() + " wake up"));
    assertEquals(404, refused.failureCode(), refused.frame().encode());
  }

  @Test
  @Order(3)
  void theUsersOfANodeThatRestartedGetTheGraceToo() throws Exception {
    int port1 = cluster.node(1).port();
    String toOther = Names.unique("other");
    String toSame = Names.unique("same");
    String away = Names.unique("away");
    List<Http> https = new ArrayList<>();
    List<BridgeClient> sockets = new ArrayList<>();
    for (String name : List.of(toOther, toSame, away)) {
      Http http = new Http(vertx, port1).signUp(name);
      https.add(http);
      sockets.add(BridgeClient.connect(vertx, port1, http.cookie()));
      assertEquals(true, watcher.take(about(name)).getJsonObject("body").getBoolean("online"));
    }

    // node 1 restarts: its drain closes the sockets. One page comes back on node 0 after its backoff, as behind a
    // proxy; one comes back to node 1 once it is up again, as a page on a single address would. The wait is the
    // page's, not a synchronisation: the test holds with any delay shorter than the grace.
    CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> cluster.node(1).close());
    sockets.get(0).awaitClosed();
    Thread.sleep(PAGE_BACKOFF_MS);
    assertTrue(watcherHttp.online(toOther), "online to the others while within the grace");
    List<BridgeClient> again = new ArrayList<>();
    again.add(BridgeClient.connect(vertx, cluster.node(0).port(), https.get(0).cookie()));
    stopped.get(60, TimeUnit.SECONDS);
    cluster.restart(1);
    again.add(BridgeClient.connect(vertx, cluster.node(1).port(), https.get(1).cookie()));

    assertEquals(false, watcher.take(about(away)).getJsonObject("body").getBoolean("online"), away);
    assertEquals(List.of(), watcher.framesWhere(about(away)), "one announcement for " + away);
    // the next word about those who came back is their leaving now: none of their moves was announced
    for (String name : List.of(toOther, toSame)) {
      assertTrue(watcherHttp.online(name), name);
    }
    again.forEach(BridgeClient::close);
    for (String name : List.of(toOther, toSame)) {
      assertEquals(false, watcher.take(about(name)).getJsonObject("body").getBoolean("online"), name);
      assertEquals(List.of(), watcher.framesWhere(about(name)), "nothing but the leaving of " + name);
    }
  }


  private static Predicate<JsonObject> about(String name) {
    return f -> "rec".equals(f.getString("type")) && "chat.presence".equals(f.getString("address"))
      && name.equals(f.getJsonObject("body").getString("username"));
  }
}
