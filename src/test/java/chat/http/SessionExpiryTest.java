package chat.http;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Idle expiry and a socket's lifetime are about time itself, so this test lets a minute and a half pass (the
 * shortest timeout the config takes), on two nodes at once: one whose sessions expire after a minute, one whose
 * sockets live a minute. The first is clustered: its sessions are copies, which a socket's pings do not keep in
 * use (on one node they are the stored objects themselves, and an open socket keeps its session, as the page's
 * regular /api/me does in a cluster).
 */
class SessionExpiryTest {

  @Test
  void anIdleSessionEndsWithItsSocketAndASocketsLifetimeEndsWithAReconnect() {
    Vertx vertx = Vertx.vertx();
    try (TestCluster expiringCluster = new TestCluster(1, security("sessionTimeoutMinutes"));
         TestNode shortLived = TestNode.start(TestNode.newDataDir(), security("socketLifetimeMinutes"))) {
      TestNode expiring = expiringCluster.node(0);
      Http idle = new Http(vertx, expiring.port()).signUp(Names.unique("idle"));
      Http active = new Http(vertx, expiring.port()).signUp(Names.unique("active"));
      Http lasting = new Http(vertx, shortLived.port()).signUp(Names.unique("lasting"));
      assertEquals(200, idle.get("/api/me").status());
      try (BridgeClient idleSocket = BridgeClient.connect(vertx, expiring.port(), idle.cookie());
           BridgeClient activeSocket = BridgeClient.connect(vertx, expiring.port(), active.cookie());
           BridgeClient lastingSocket = BridgeClient.connect(vertx, shortLived.port(), lasting.cookie())) {
        // the socket pings itself; only HTTP keeps a session in use (the page asks /api/me every 5 minutes)
        long deadline = System.nanoTime() + Duration.ofSeconds(100).toNanos();
        while (System.nanoTime() < deadline && !(idleSocket.isClosed() && lastingSocket.isClosed())) {
          assertEquals(200, active.get("/api/me").status());
          LockSupport.parkNanos(Duration.ofSeconds(5).toNanos());
        }
        assertTrue(idleSocket.isClosed(), "the idle session's socket was closed");
        assertEquals((short) 4001, idleSocket.closeStatus(), "as a session that ended");
        assertFalse(activeSocket.isClosed(), "an active session keeps its socket");
        assertTrue(lastingSocket.isClosed(), "a socket has a lifetime");
        assertEquals((short) 4000, lastingSocket.closeStatus(), "told to reconnect");
      }
      assertEquals(401, idle.get("/api/me").status(), "idle for over a minute: logged out");
      assertEquals(200, active.get("/api/me").status(), "an active session stays");
      try (BridgeClient again = BridgeClient.connect(vertx, shortLived.port(), lasting.cookie())) {
        again.register("chat.presence");
      }
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject security(String oneMinuteKey) {
    return new JsonObject().put("security", TestNode.generousLimits().put(oneMinuteKey, 1));
  }
}
