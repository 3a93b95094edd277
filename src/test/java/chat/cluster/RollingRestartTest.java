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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each node of a three-node cluster is stopped (the same graceful stop as SIGTERM) and replaced in turn while
 * three users keep chatting through whichever nodes are up, reconnecting and catching up from history as the page
 * does. Every acknowledged message is stored once and reaches everyone; no send fails other than retryably.
 */
class RollingRestartTest {

  private static TestCluster cluster;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = new TestCluster(3);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    vertx.close().await();
  }

  /** A user who roams between nodes: on a closed socket, the next live node, re-register, catch up. */
  private static final class Roamer {
    final String name;
    final String cookie;
    final Map<Long, JsonObject> seen = new LinkedHashMap<>();
    final List<BridgeClient> sockets = new ArrayList<>();
    BridgeClient bus;
    int nextNode;

    Roamer(String name, String cookie, int firstNode) {
      this.name = name;
      this.cookie = cookie;
      this.nextNode = firstNode;
      connect();
    }

    BridgeClient bus() {
      if (bus.isClosed()) {
        connect();
      }
      return bus;
    }

    void connect() {
      List<Integer> ports = cluster.livePorts();
      int port = ports.get(nextNode++ % ports.size());
      bus = BridgeClient.connect(vertx, port, cookie);
      sockets.add(bus);
      bus.register("chat.room.global");
      catchUp();
    }

    void catchUp() {
      long after = seen.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
      bus.historyAfter("global", after).forEach(m -> seen.putIfAbsent(m.getLong("id"), m));
    }

    /** Every live delivery, socket by socket: never a duplicate, never a lower id after a higher one. */
    void checkLiveDeliveries() {
      for (BridgeClient socket : sockets) {
        long last = 0;
        for (JsonObject message : socket.received("chat.room.global")) {
          long id = message.getLong("id");
          assertTrue(id > last, name + " saw " + id + " after " + last);
          last = id;
          seen.putIfAbsent(id, message);
        }
      }
    }
  }

  @Test
  void restartingEveryNodeInTurnLosesAndDuplicatesNothing() {
    List<Roamer> users = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String name = Names.unique("roamer");
      Http http = new Http(vertx, cluster.node(i).port()).signUp(name);
      users.add(new Roamer(name, http.cookie(), i));
    }
    List<JsonObject> acknowledged = new ArrayList<>();
    int total = 60;
    for (int n = 0; n < total; n++) {
      if (n > 0 && n % 20 == 0) {
        cluster.restart(n / 20 - 1);
      }
      Roamer sender = users.get(n % users.size());
      acknowledged.add(sendUntilStored(sender, "m" + n, "cid-" + sender.name + "-" + n));
    }
    cluster.restart(2);

    for (Roamer user : users) {
      user.bus().request("chat.history", new JsonObject().put("room", "global")).body();
      user.catchUp();
      user.checkLiveDeliveries();
      List<Long> ids = new ArrayList<>(user.seen.keySet());
      ids.sort(Long::compare);
      assertEquals(acknowledged.stream().map(m -> m.getLong("id")).toList(), ids, user.name + " has every message once");
    }
    assertEquals(acknowledged, users.get(0).bus().historyAfter("global", 0), "stored once each, in order");
  }

  /** Sends with a client id; a retryable failure or a closed socket is retried with the same id. */
  private static JsonObject sendUntilStored(Roamer sender, String text, String cid) {
    JsonObject message = new JsonObject().put("room", "global").put("text", text).put("cid", cid);
    for (int attempt = 0; attempt < 10; attempt++) {
      BridgeClient.Reply reply;
      try {
        reply = sender.bus().request("chat.send", message);
      } catch (AssertionError socketClosed) {
        continue; // the node went while we waited: reconnect and resend the same cid
      }
      if (!reply.failed()) {
        return reply.body();
      }
      assertTrue(Set.of(503, -1).contains(reply.failureCode()), "only retryable failures: " + reply.frame());
    }
    throw new AssertionError("not stored after 10 attempts: " + text);
  }
}
