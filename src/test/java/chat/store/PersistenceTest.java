package chat.store;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PersistenceTest {

  private static Vertx vertx;

  @BeforeAll
  static void client() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void accountsAndMessagesSurviveARestartOnTheSameFiles() {
    Path data = TestNode.newDataDir();
    String name = Names.unique("keeper");
    JsonObject stored;
    try (TestNode first = TestNode.start(data, new JsonObject())) {
      Http http = new Http(vertx, first.port()).signUp(name);
      try (BridgeClient bus = BridgeClient.connect(vertx, first.port(), http.cookie())) {
        stored = bus.request("chat.send", new JsonObject().put("room", "global").put("text", "still here?")).body();
      }
    }
    try (TestNode second = TestNode.start(data, new JsonObject())) {
      Http http = new Http(vertx, second.port()).logIn(name, "pw-" + name + "-long");
      try (BridgeClient bus = BridgeClient.connect(vertx, second.port(), http.cookie())) {
        JsonObject history = bus.request("chat.history", new JsonObject().put("room", "global")).body();
        assertEquals(stored, history.getJsonArray("messages").getJsonObject(0));
        JsonObject next = bus.request("chat.send", new JsonObject().put("room", "global").put("text", "yes")).body();
        assertEquals(true, next.getLong("id") > stored.getLong("id"), "ids keep increasing after a restart");
      }
    }
  }
}
