package chat.store;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

  private static TestNode node;
  private static Vertx vertx;
  private static BridgeClient alice;
  private static String aliceName;
  private static final List<Long> topicIds = new ArrayList<>();

  @BeforeAll
  static void fillARoom() {
    node = TestNode.start();
    vertx = Vertx.vertx();
    aliceName = Names.unique("alice");
    alice = BridgeClient.connect(vertx, node.port(), new Http(vertx, node.port()).signUp(aliceName).cookie());
    for (int i = 1; i <= 120; i++) {
      JsonObject stored = alice.request("chat.send",
        new JsonObject().put("room", "topic.news").put("text", "message " + i)).body();
      topicIds.add(stored.getLong("id"));
    }
  }

  @AfterAll
  static void stop() {
    alice.close();
    node.close();
    vertx.close().await();
  }

  private static JsonArray history(JsonObject query) {
    JsonObject reply = alice.request("chat.history", query.put("room", "topic.news")).body();
    assertEquals("topic.news", reply.getString("room"));
    return reply.getJsonArray("messages");
  }

  private static List<Long> ids(JsonArray messages) {
    List<Long> ids = new ArrayList<>();
    messages.forEach(m -> ids.add(((JsonObject) m).getLong("id")));
    return ids;
  }

  @Test
  void idsIncreaseInTheOrderMessagesWereStored() {
    for (int i = 1; i < topicIds.size(); i++) {
      assertTrue(topicIds.get(i) > topicIds.get(i - 1));
    }
  }

  @Test
  void withoutCursorTheNewest50OldestFirst() {
    JsonArray page = history(new JsonObject());
    assertEquals(topicIds.subList(70, 120), ids(page));
    JsonObject last = page.getJsonObject(49);
    assertEquals("message 120", last.getString("text"));
    assertEquals(aliceName, last.getString("sender"));
    assertEquals("topic.news", last.getString("room"));
    assertTrue(last.getLong("ts") > 0);
  }

  @Test
  void beforePagesBackwardsWithoutGapsOrOverlap() {
    List<Long> seen = new ArrayList<>(ids(history(new JsonObject().put("limit", 40))));
    while (true) {
      List<Long> older = ids(history(new JsonObject().put("limit", 40).put("before", seen.get(0))));
      if (older.isEmpty()) {
        break;
      }
      seen.addAll(0, older);
    }
    assertEquals(topicIds, seen);
  }

  @Test
  void afterCatchesUpOldestFirst() {
    assertEquals(topicIds.subList(11, 21), ids(history(new JsonObject().put("after", topicIds.get(10)).put("limit", 10))));
    assertEquals(List.of(), ids(history(new JsonObject().put("after", topicIds.get(119)))));
  }

  @Test
  void badQueriesAreRefusedWith400() {
    for (JsonObject bad : List.of(
      new JsonObject().put("before", 5).put("after", 1),
      new JsonObject().put("limit", 0),
      new JsonObject().put("limit", 101),
      new JsonObject().put("limit", "ten"),
      new JsonObject().put("before", "yesterday"),
      new JsonObject().put("after", 1.5))) {
      BridgeClient.Reply reply = alice.request("chat.history", bad.put("room", "topic.news"));
      assertEquals(400, reply.failureCode(), bad.encode());
    }
    assertEquals(400, alice.request("chat.history", new JsonObject().put("room", "nowhere")).failureCode());
    assertEquals(400, alice.request("chat.history", "not an object", null).failureCode());
  }

  @Test
  void privateHistoryOnlyForItsTwoMembers() {
    String bobName = Names.unique("bob");
    Http bob = new Http(vertx, node.port()).signUp(bobName);
    String eveName = Names.unique("eve");
    Http eve = new Http(vertx, node.port()).signUp(eveName);
    String room = RoomId.between(aliceName, bobName).id();
    alice.request("chat.send", new JsonObject().put("room", room).put("text", "secret")).body();
    try (BridgeClient bobBus = BridgeClient.connect(vertx, node.port(), bob.cookie());
         BridgeClient eveBus = BridgeClient.connect(vertx, node.port(), eve.cookie())) {
      JsonArray messages = bobBus.request("chat.history", new JsonObject().put("room", room)).body()
        .getJsonArray("messages");
      assertEquals(1, messages.size());
      assertEquals("secret", messages.getJsonObject(0).getString("text"));
      assertEquals(403, eveBus.request("chat.history", new JsonObject().put("room", room)).failureCode());
    }
  }
}
