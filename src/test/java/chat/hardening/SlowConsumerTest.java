package chat.hardening;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SlowConsumerTest {

  @Test
  void aBrowserThatStopsReadingIsCutOffAndOthersKeepTheirMessages() {
    Vertx vertx = Vertx.vertx();
    try (TestNode node = TestNode.start()) {
      String slowName = Names.unique("slow");
      Http slowUser = new Http(vertx, node.port()).signUp(slowName);
      Http fastUser = new Http(vertx, node.port()).signUp(Names.unique("fast"));
      try (BridgeClient fast = BridgeClient.connect(vertx, node.port(), fastUser.cookie());
           BridgeClient slow = BridgeClient.connect(vertx, node.port(), slowUser.cookie())) {
        fast.register("chat.presence");
        slow.register("chat.room.global");
        fast.register("chat.room.global");
        slow.stopReading();

        String big = "é".repeat(2000);
        boolean cutOff = false;
        int sent = 0;
        // bounded: far more than the socket's queue limit plus the kernel's buffers
        while (!cutOff && sent < 8000) {
          // 15 that want no answer and the marker: a socket may have 16 requests unanswered at once
          for (int i = 0; i < 15; i++, sent++) {
            fast.sendFrame(new JsonObject().put("type", "send").put("address", "chat.send")
              .put("body", new JsonObject().put("room", "global").put("text", big)));
          }
          JsonObject marker = fast.request("chat.send", new JsonObject().put("room", "global").put("text", "m" + sent)).body();
          // the fast reader got everything up to the marker, in order
          JsonObject got;
          int seen = 0;
          do {
            got = fast.next("chat.room.global");
            seen++;
          } while (!got.equals(marker));
          assertEquals(16, seen);
          cutOff = fast.received("chat.presence").stream()
            .anyMatch(p -> slowName.equals(p.getString("username")) && !p.getBoolean("online"));
        }
        assertTrue(cutOff, "the stuck socket was closed after " + sent + " messages");
        assertFalse(fast.isClosed());
      }
    } finally {
      vertx.close().await();
    }
  }
}
