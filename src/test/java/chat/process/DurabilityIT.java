package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Acknowledged means stored: kill -9 the node, or the database server, and count what survived. */
class DurabilityIT {

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  @Test
  void everyAcknowledgedMessageSurvivesKillDashNineOfTheNode() {
    int http = Ports.free();
    JsonObject config = ProcessFixture.nodeConfig(http, "jdbc:hsqldb:file:" + processes.dir().resolve("db").resolve("chat"));
    NodeProcess node = processes.node("node", config, 1);
    Http alice = new Http(processes.vertx(), http).signUp("alice");
    List<JsonObject> acknowledged = new ArrayList<>();
    int killAfter = ThreadLocalRandom.current().nextInt(20, 150);
    try (BridgeClient bus = BridgeClient.connect(processes.vertx(), http, alice.cookie())) {
      // sends go out without waiting for replies, so some are in flight when the process dies
      for (int i = 0; i < 400 && node.isAlive(); i++) {
        bus.sendFrame(sendFrame("m" + i, "r" + i));
        if (i >= 10) {
          collectReply(bus, acknowledged, i - 10);
        }
        if (acknowledged.size() == killAfter) {
          node.kill();
        }
      }
    }
    assertTrue(acknowledged.size() >= killAfter, "the node was killed mid-stream");

    NodeProcess restarted = processes.node("node-again", config, 1);
    List<JsonObject> stored = allHistory(new Http(processes.vertx(), http).logIn("alice", "pw-alice-long"), http);
    assertContainsInOrderOnce(acknowledged, stored);
    // SIGTERM drains and exits by itself within 30 s, closing its database cleanly
    long stopping = System.nanoTime();
    restarted.stop();
    assertTrue(System.nanoTime() - stopping < java.time.Duration.ofSeconds(30).toNanos(), "stopped within 30 s");
    assertTrue(restarted.log().contains("chat node stopped"), restarted.log());
  }

  @Test
  void sendsDuringADatabaseOutageFailWith503AndTheNodeRecoversByItself() {
    int dbPort = Ports.free();
    NodeProcess db = processes.database(dbPort);
    int http = Ports.free();
    processes.node("node", ProcessFixture.nodeConfig(http, "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat"), 1);
    Http alice = new Http(processes.vertx(), http).signUp("alice");
    List<JsonObject> acknowledged = new ArrayList<>();
    try (BridgeClient bus = BridgeClient.connect(processes.vertx(), http, alice.cookie())) {
      for (int i = 0; i < 5; i++) {
        acknowledged.add(bus.request("chat.send", text("before " + i)).body());
      }

      db.kill();
      for (int i = 0; i < 5; i++) {
        BridgeClient.Reply reply = bus.request("chat.send", text("during " + i));
        assertTrue(reply.failed(), "nothing is acknowledged while the database is down: " + reply.frame());
        assertEquals(503, reply.failureCode(), reply.frame().encode());
      }
      // /health probes the database at most once a second: it tells within a few seconds
      long noticing = System.nanoTime();
      TestCluster.awaitTrue("/health says the database is down", () -> {
        Http.Response health = new Http(processes.vertx(), http).get("/health");
        return health.status() == 503 && "DOWN".equals(health.json().getString("db"));
      });
      assertTrue(System.nanoTime() - noticing < java.time.Duration.ofSeconds(5).toNanos(), "a fresh answer");

      processes.database(dbPort);
      TestCluster.awaitTrue("sends work again", () -> {
        BridgeClient.Reply reply = bus.request("chat.send", text("after"));
        if (!reply.failed()) {
          acknowledged.add(reply.body());
        }
        return !reply.failed();
      });
      TestCluster.awaitTrue("/health says UP again", () -> new Http(processes.vertx(), http).get("/health").status() == 200);
    }
    List<JsonObject> stored = allHistory(alice, http);
    assertEquals(acknowledged, stored, "exactly the acknowledged messages, in order");
  }

  private static void assertContainsInOrderOnce(List<JsonObject> acknowledged, List<JsonObject> stored) {
    Set<Long> ids = new LinkedHashSet<>();
    stored.forEach(m -> assertTrue(ids.add(m.getLong("id")), "stored once: " + m));
    List<JsonObject> survivors = stored.stream().filter(acknowledged::contains).toList();
    assertEquals(acknowledged, survivors, "every acknowledged message, in order");
  }

  private static void collectReply(BridgeClient bus, List<JsonObject> acknowledged, int index) {
    try {
      JsonObject reply = bus.take(f -> ("r" + index).equals(f.getString("address")));
      if ("rec".equals(reply.getString("type"))) {
        acknowledged.add(reply.getJsonObject("body"));
      }
    } catch (AssertionError socketGone) {
      // the process died before answering: that send was never acknowledged
    }
  }

  private static JsonObject sendFrame(String text, String replyAddress) {
    return new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", replyAddress)
      .put("body", text(text));
  }

  private static JsonObject text(String text) {
    return new JsonObject().put("room", "global").put("text", text);
  }

  private List<JsonObject> allHistory(Http user, int http) {
    try (BridgeClient bus = BridgeClient.connect(processes.vertx(), http, user.cookie())) {
      return bus.historyAfter("global", 0);
    }
  }
}
