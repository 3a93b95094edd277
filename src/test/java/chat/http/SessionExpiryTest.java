package chat.http;

import chat.support.ChatFixture;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Idle expiry is about time itself, so this test lets a minute pass (the shortest timeout the config takes). */
class SessionExpiryTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject()
    .put("security", new JsonObject().put("sessionTimeoutMinutes", 1)));

  @Test
  void anIdleSessionEndsAfterTheConfiguredTimeout() {
    Http idle = chat.http().signUp(Names.unique("idle"));
    Http active = chat.http().signUp(Names.unique("active"));
    assertEquals(200, idle.get("/api/me").status());
    long deadline = System.nanoTime() + Duration.ofSeconds(70).toNanos();
    while (System.nanoTime() < deadline) {
      // the active user keeps using the chat; the idle one does nothing
      assertEquals(200, active.get("/api/me").status());
      LockSupport.parkNanos(Duration.ofSeconds(10).toNanos());
    }
    assertEquals(401, idle.get("/api/me").status(), "idle for over a minute: logged out");
    assertEquals(200, active.get("/api/me").status(), "an active session stays");
  }
}
