package chat.hardening;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge as a logged-in attacker meets it: reads and fire-and-forget frames as fast as a socket takes them,
 * private rooms with people who do not exist, and more sockets than anyone needs, while others keep chatting.
 */
class BridgeAbuseTest {

  private static final int BURST = 40;
  private static final int SOCKETS_PER_USER = 3;
  private static final int SOCKETS_PER_ADDRESS = 6;

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("security", new JsonObject()
    .put("requestsPerSecond", 20).put("requestBurst", BURST)
    .put("socketsPerUser", SOCKETS_PER_USER).put("socketsPerAddress", SOCKETS_PER_ADDRESS)));

  @Test
  void aFloodOfReadsIsRefusedWith429AndSlowedWhileOthersKeepSending() {
    ChatFixture.ChatUser mallory = chat.user("mallory");
    ChatFixture.ChatUser alice = chat.user("alice");
    JsonObject page = new JsonObject().put("room", "global").put("limit", 100);
    long start = System.nanoTime();
    // fire-and-forget frames first, more than the budget: they count against it and the socket's in-flight count
    for (int i = 0; i < BURST + 10; i++) {
      mallory.bus().sendFrame(new JsonObject().put("type", "send").put("address", "chat.history").put("body", page));
    }
    for (int i = 0; i < 200; i++) {
      mallory.bus().sendFrame(new JsonObject().put("type", "send").put("address", "chat.history").put("body", page)
        .put("replyAddress", "flood-" + i));
    }
    // alice chats on as if nothing happened
    for (int i = 0; i < 20; i++) {
      long sent = System.nanoTime();
      JsonObject stored = alice.bus().request("chat.send", new JsonObject().put("room", "global").put("text", "hi " + i))
        .body();
      assertTrue(System.nanoTime() - sent < Duration.ofSeconds(1).toNanos(), "send " + i + " took too long");
      assertEquals("hi " + i, stored.getString("text"));
    }
    // the flood is answered 429 and read slowly (the server stops reading a socket over its limits for a moment):
    // what it got so far is refusals and at most its budget of pages
    JsonObject refusal = mallory.bus().take(f -> "err".equals(f.getString("type"))
      && f.getString("address", "").startsWith("flood-"));
    assertEquals(429, refusal.getInteger("failureCode"), refusal.encode());
    double seconds = (System.nanoTime() - start) / 1e9;
    long pages = mallory.bus().framesWhere(f -> "rec".equals(f.getString("type"))
      && f.getString("address", "").startsWith("flood-")).size();
    assertTrue(pages <= BURST + 20 * seconds + 1, pages + " pages in " + seconds + " s");
    assertTrue(mallory.bus().framesWhere(f -> "err".equals(f.getString("type"))
      && f.getString("address", "").startsWith("chat-unanswered")).isEmpty(), "no answer to what asked for none");
  }

  @Test
  void privateRoomsWithMadeUpPeopleDoNotExistForAnyOperation() {
    ChatFixture.ChatUser mallory = chat.user("mallory");
    String ghostRoom = RoomId.between(mallory.name(), "ghost" + System.nanoTime() % 100000).id();
    JsonObject room = new JsonObject().put("room", ghostRoom);
    for (String address : List.of("chat.send", "chat.history", "chat.typing", "chat.read")) {
      JsonObject body = room.copy().put("text", "boo").put("id", 1);
      BridgeClient.Reply reply = mallory.bus().request(address, body);
      assertTrue(reply.failed(), address + " answered " + reply.frame());
      assertEquals(400, reply.failureCode(), address + ": " + reply.frame());
    }
    for (String address : List.of("chat.room." + ghostRoom, "chat.typing." + ghostRoom)) {
      JsonObject refused = mallory.bus().tryRegister(address);
      assertEquals("access_denied", refused.getString("body"), address + ": " + refused);
    }
    // with a real person, every one of them works
    ChatFixture.ChatUser bob = chat.user("bob");
    String real = RoomId.between(mallory.name(), bob.name()).id();
    mallory.bus().register("chat.room." + real);
    mallory.bus().request("chat.typing", new JsonObject().put("room", real)).body();
    JsonObject sent = mallory.bus().request("chat.send", new JsonObject().put("room", real).put("text", "hi")).body();
    assertEquals(1, mallory.bus().request("chat.history", new JsonObject().put("room", real)).body()
      .getJsonArray("messages").size());
    mallory.bus().request("chat.read", new JsonObject().put("room", real).put("id", sent.getLong("id"))).body();
  }

  @Test
  void aUserGetsAFewSocketsAndTheOneTooManyIsClosedWithAReason() {
    Http carol = chat.http().signUp(Names.unique("carol"));
    List<BridgeClient> open = new ArrayList<>();
    for (int i = 0; i < SOCKETS_PER_USER; i++) {
      open.add(chat.socket(carol));
      open.get(i).register("chat.presence");
    }
    BridgeClient oneTooMany = chat.socket(carol);
    oneTooMany.awaitClosed();
    assertEquals((short) 4029, oneTooMany.closeStatus());
    // once one closes (the server sees it a moment later), there is room for another
    open.get(0).close();
    TestCluster.awaitTrue("a socket in place of the closed one", () -> {
      try {
        connectFrom("127.0.0.1", carol).register("chat.presence");
        return true;
      } catch (AssertionError closedAgain) {
        return false;
      }
    });
  }

  @Test
  void anAddressGetsItsShareOfSocketsAndAnotherAddressIsNotHeldBack() {
    List<BridgeClient> fromOneAddress = new ArrayList<>();
    for (int i = 0; i < SOCKETS_PER_ADDRESS; i++) {
      BridgeClient socket = connectFrom("127.0.0.31", Http.from(chat.vertx(), "127.0.0.31", chat.port())
        .signUp(Names.unique("crowd")));
      socket.register("chat.presence");
      fromOneAddress.add(socket);
    }
    BridgeClient oneTooMany = connectFrom("127.0.0.31", Http.from(chat.vertx(), "127.0.0.31", chat.port())
      .signUp(Names.unique("crowd")));
    oneTooMany.awaitClosed();
    assertEquals((short) 4029, oneTooMany.closeStatus());
    connectFrom("127.0.0.32", Http.from(chat.vertx(), "127.0.0.32", chat.port()).signUp(Names.unique("other")))
      .register("chat.presence");
    fromOneAddress.forEach(BridgeClient::close);
  }

  private static BridgeClient connectFrom(String address, Http loggedIn) {
    BridgeClient socket = BridgeClient.connect(chat.vertx(), new WebSocketClientOptions().setLocalAddress(address),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port()), loggedIn.cookie(), Duration.ofSeconds(10));
    chat.closeAfterTest(socket);
    return socket;
  }
}
