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
  void privateRoomsOfADatabaseFromBeforeTheirListAreListedAtStart() throws Exception {
    Path data = TestNode.newDataDir();
    String alice = Names.unique("alice");
    String bob = Names.unique("bob");
    String room = chat.bus.RoomId.between(alice, bob).id();
    JsonObject db;
    try (TestNode first = TestNode.start(data, new JsonObject())) {
      db = first.config().getJsonObject("db");
      new Http(vertx, first.port()).signUp(bob);
      Http http = new Http(vertx, first.port()).signUp(alice);
      try (BridgeClient bus = BridgeClient.connect(vertx, first.port(), http.cookie())) {
        bus.request("chat.send", new JsonObject().put("room", room).put("text", "hi bob")).body();
      }
    }
    // as a database of the build before private_rooms has it: the messages, but no list
    try (java.sql.Connection conn = java.sql.DriverManager.getConnection(db.getString("url"),
      db.getString("user", "SA"), db.getString("password", ""))) {
      conn.createStatement().executeUpdate("DELETE FROM private_rooms");
      if (db.getString("url").startsWith("jdbc:hsqldb:file:")) {
        conn.createStatement().execute("SHUTDOWN");
      }
    }
    try (TestNode second = TestNode.start(data, new JsonObject())) {
      for (String name : java.util.List.of(alice, bob)) {
        Http http = new Http(vertx, second.port()).logIn(name, Http.passwordOf(name));
        assertEquals(room, http.get("/api/private-rooms").json().getJsonArray("rooms").getJsonObject(0).getString("id"));
      }
      Http bobs = new Http(vertx, second.port()).logIn(bob, Http.passwordOf(bob));
      assertEquals(1, bobs.get("/api/unread").json().getJsonObject("unread").getInteger(room));
    }
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
