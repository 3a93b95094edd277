package chat.metrics;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {

  @Test
  void prometheusMetricsCountWhatUsersDo() {
    Vertx vertx = Vertx.vertx();
    // without the assistant, whose socket would be one more of the node's
    JsonObject metricsOn = new JsonObject().put("metrics",
      new JsonObject().put("enabled", true).put("host", "127.0.0.1").put("port", 0))
      .put("bots", new JsonObject().put("assistant", false));
    try (TestNode node = TestNode.start(TestNode.newDataDir(), metricsOn)) {
      Http alice = new Http(vertx, node.port()).signUp("alice");
      assertEquals(401, new Http(vertx, node.port()).post("/api/login",
        new JsonObject().put("username", "alice").put("password", "not the one")).status());
      try (BridgeClient bus = BridgeClient.connect(vertx, node.port(), alice.cookie())) {
        bus.register("chat.room.global");
        bus.request("chat.send", new JsonObject().put("room", "global").put("text", "counted")).body();
        bus.next("chat.room.global");
        assertEquals(400, bus.request("chat.send", new JsonObject().put("room", "global").put("text", " ")).failureCode());

        Http.Response scrape = new Http(vertx, node.node().metricsPort()).get("/metrics");
        assertEquals(200, scrape.status());
        String text = scrape.body();
        assertTrue(text.contains("chat_messages_accepted_total 1.0"), text);
        assertTrue(text.contains("chat_messages_refused_total{code=\"400\"} 1.0"), text);
        assertTrue(text.contains("chat_deliveries_total 1.0"), text);
        assertTrue(text.contains("chat_logins_total{result=\"success\"} 1.0"), text);
        assertTrue(text.contains("chat_logins_total{result=\"failure\"} 1.0"), text);
        assertTrue(text.contains("chat_sockets 1.0"), text);
        assertTrue(text.contains("chat_cluster_size 1.0"), text);
        assertTrue(text.contains("chat_store_latency_seconds_bucket"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(text.contains("vertx_http_server_"), text);
      }
      assertEquals(404, new Http(vertx, node.port()).get("/metrics").status(), "not on the public port");
    } finally {
      vertx.close().await();
    }
  }
}
