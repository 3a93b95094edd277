package chat.cluster;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Limits and session ends that must hold for a user spread over several nodes. */
class ClusterLimitsTest {

  private static TestCluster cluster;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = new TestCluster(2, new JsonObject().put("security", new JsonObject()
      .put("messagesPerSecond", 10).put("messageBurst", 20).put("loginFailuresPerUser", 5)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    vertx.close().await();
  }

  @Test
  void theSendRateHoldsAcrossSocketsOnDifferentNodes() {
    String name = Names.unique("flood");
    Http onA = new Http(vertx, cluster.node(0).port()).signUp(name);
    try (BridgeClient a = BridgeClient.connect(vertx, cluster.node(0).port(), onA.cookie());
         BridgeClient b = BridgeClient.connect(vertx, cluster.node(1).port(), onA.cookie())) {
      List<JsonObject> spam = IntStream.range(0, 40)
        .mapToObj(i -> new JsonObject().put("room", "topic.news").put("text", "spam " + i)).toList();
      // one bucket for both nodes: the burst of 20 plus 10/s for the time it took (two buckets would give 40)
      BridgeClient.burst(List.of(a, b), "chat.send", spam).assertLimitedTo(20, 10);
    }
  }

  @Test
  void failedLoginsCountAcrossNodes() {
    String name = Names.unique("target");
    new Http(vertx, cluster.node(0).port()).signUp(name);
    for (int i = 0; i < 5; i++) {
      int port = cluster.node(i % 2).port();
      assertEquals(401, new Http(vertx, port).post("/api/login",
        new JsonObject().put("username", name).put("password", "guess-" + i)).status());
    }
    assertEquals(429, new Http(vertx, cluster.node(1).port()).post("/api/login",
      new JsonObject().put("username", name).put("password", Http.passwordOf(name))).status());
  }

  @Test
  void logoutOnOneNodeClosesTheSessionsSocketOnAnother() {
    String name = Names.unique("leaver");
    Http onA = new Http(vertx, cluster.node(0).port()).signUp(name);
    try (BridgeClient onB = BridgeClient.connect(vertx, cluster.node(1).port(), onA.cookie())) {
      onB.register("chat.room.global");
      assertEquals(204, onA.post("/api/logout", null).status());
      onB.awaitClosed();
    }
  }

  @Test
  void passwordChangeOnOneNodeEndsTheOtherSessionsOnAnother() {
    String name = Names.unique("changer");
    Http here = new Http(vertx, cluster.node(0).port()).signUp(name);
    Http elsewhere = new Http(vertx, cluster.node(1).port()).logIn(name, Http.passwordOf(name));
    try (BridgeClient otherSocket = BridgeClient.connect(vertx, cluster.node(1).port(), elsewhere.cookie())) {
      assertEquals(204, here.post("/api/profile/password", new JsonObject().put("currentPassword", Http.passwordOf(name))
        .put("password", "a whole new one").put("confirmPassword", "a whole new one")).status());
      // at once and on the other node: the changing session's new login time must be stored by the reply
      assertEquals(200, new Http(vertx, cluster.node(1).port()).withCookie(here.cookie()).get("/api/me").status());
      otherSocket.awaitClosed();
      assertEquals(401, elsewhere.get("/api/me").status());
      assertEquals(200, here.get("/api/me").status());
    }
  }

  @Test
  void aNodeStartedAfterAPasswordChangeRefusesTheSessionsItEnded() {
    String name = Names.unique("rejoin");
    Http here = new Http(vertx, cluster.node(0).port()).signUp(name);
    String oldSession = new Http(vertx, cluster.node(0).port()).logIn(name, Http.passwordOf(name)).cookie();
    assertEquals(204, here.post("/api/profile/password", new JsonObject().put("currentPassword", Http.passwordOf(name))
      .put("password", "a whole new one").put("confirmPassword", "a whole new one")).status());

    // the new node was not there for the change: it has to learn it from the cluster when it starts
    int restarted = cluster.restart(1).port();
    assertEquals(401, new Http(vertx, restarted).withCookie(oldSession).get("/api/me").status());
    assertEquals(200, new Http(vertx, restarted).withCookie(here.cookie()).get("/api/me").status());
  }
}
