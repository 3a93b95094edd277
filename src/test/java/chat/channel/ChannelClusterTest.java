package chat.channel;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channel membership, contacts and blocks on two real clustered nodes on one shared database: what one node
 * changes, the other enforces at once (its caches are told before the change is answered), and all of it survives
 * a node's restart. The last test restarts node 1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChannelClusterTest {

  static final String CONTACTS_ONLY = "accepts private messages from contacts only: send a request to connect first";

  private static TestCluster cluster;
  private static Vertx vertx;
  private final List<BridgeClient> sockets = new ArrayList<>();
  /** Made by the tests before the restart, checked after it. */
  private static User keeper;
  private static User stranger;
  private static User removed;
  private static String keptChannel;

  @BeforeAll
  static void startCluster() {
    cluster = new TestCluster(2);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @AfterEach
  void closeSockets() {
    sockets.forEach(BridgeClient::close);
    sockets.clear();
  }

  private record User(String name, Http http, BridgeClient bus) {
    String key() {
      return name.toLowerCase(Locale.ROOT);
    }
  }

  private User user(String base, int node) {
    String name = Names.unique(base);
    new Http(vertx, cluster.node(0).port()).post("/api/register", Http.registration(name, "pw-" + name + "-long"));
    return login(name, node);
  }

  private User login(String name, int node) {
    Http http = new Http(vertx, cluster.node(node).port()).logIn(name, "pw-" + name + "-long");
    return new User(name, http, socket(http, node));
  }

  private BridgeClient socket(Http http, int node) {
    BridgeClient bus = BridgeClient.connect(vertx, cluster.node(node).port(), http.cookie());
    sockets.add(bus);
    return bus;
  }

  private static String channel(User owner, String visibility) {
    String name = Names.unique("c").toLowerCase(Locale.ROOT);
    Http.Response created = owner.http().post("/api/channels",
      new JsonObject().put("name", name).put("visibility", visibility));
    assertEquals(201, created.status(), created.body());
    return name;
  }

  private static Http.Response post(User user, String path, JsonObject body) {
    return body == null ? user.http().call(HttpMethod.POST, path, null, null) : user.http().post(path, body);
  }

  private static BridgeClient.Reply send(BridgeClient bus, String room, String text) {
    return bus.request("chat.send", new JsonObject().put("room", room).put("text", text));
  }

  /** Waits for a message with this text on the address (system lines of the channel may come before it). */
  private static void awaitText(BridgeClient bus, String address, String text) {
    bus.take(frame -> "rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))
      && text.equals(frame.getJsonObject("body").getString("text")));
  }

  private static boolean denied(JsonObject registration) {
    return "err".equals(registration.getString("type")) && "access_denied".equals(registration.getString("body"));
  }

  @Test
  @Order(1)
  void aRemovedMemberStopsReceivingOnBothNodesWithinASecond() {
    User alice = user("alice", 0);
    User bob = user("bob", 0);
    User carol = user("carol", 1);
    String name = channel(alice, "private");
    String room = "channel." + name;
    String address = "chat.room." + room;
    for (User invitee : List.of(bob, carol)) {
      post(alice, "/api/channels/" + name + "/invite", new JsonObject().put("username", invitee.name()));
      assertEquals(200, post(invitee, "/api/channels/" + name + "/join", null).status());
    }
    BridgeClient bobOnNode1 = socket(bob.http(), 1);
    for (BridgeClient bus : List.of(alice.bus(), bob.bus(), bobOnNode1, carol.bus())) {
      bus.register(address);
    }
    assertEquals("before", send(carol.bus(), room, "before").body().getString("text"));
    for (BridgeClient bus : List.of(alice.bus(), bob.bus(), bobOnNode1, carol.bus())) {
      awaitText(bus, address, "before");
    }

    long start = System.nanoTime();
    assertEquals(204, post(alice, "/api/channels/" + name + "/remove", new JsonObject().put("username", bob.name())).status());
    for (BridgeClient bus : List.of(bob.bus(), bobOnNode1)) {
      JsonObject ended = bus.take(frame -> "err".equals(frame.getString("type")) && address.equals(frame.getString("address")));
      assertEquals(403, ended.getInteger("failureCode"));
      assertEquals("removed from this room", ended.getString("message"));
    }
    long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertTrue(tookMs < 1000, "both of bob's sockets were told within a second, took " + tookMs + " ms");

    send(carol.bus(), room, "after");
    // the members still in get it (after the system line of the removal); then bob's sockets must have nothing
    for (BridgeClient member : List.of(alice.bus(), carol.bus())) {
      awaitText(member, address, "after");
    }
    assertTrue(bob.bus().received(address).stream().noneMatch(m -> "after".equals(m.getString("text"))));
    assertTrue(bobOnNode1.received(address).stream().noneMatch(m -> "after".equals(m.getString("text"))));
    for (BridgeClient bus : List.of(bob.bus(), bobOnNode1)) {
      assertEquals(403, send(bus, room, "let me back").failureCode());
      assertEquals(403, bus.request("chat.history", new JsonObject().put("room", room)).failureCode());
      assertTrue(denied(bus.tryRegister(address)), "no listening again");
    }
    keeper = alice;
    removed = bob;
    keptChannel = name;
  }

  @Test
  @Order(2)
  void aNonMemberCanNeitherListenSendReadNorTypeInAPrivateChannelOnEitherNode() {
    User alice = user("alice", 0);
    User eve = user("eve", 1);
    String secret = channel(alice, "private");
    String open = channel(alice, "public");
    send(alice.bus(), "channel." + open, "visible to all").body();
    for (BridgeClient bus : List.of(eve.bus(), socket(eve.http(), 0))) {
      String room = "channel." + secret;
      assertTrue(denied(bus.tryRegister("chat.room." + room)));
      assertTrue(denied(bus.tryRegister("chat.typing." + room)));
      BridgeClient.Reply sent = send(bus, room, "hi");
      assertEquals(403, sent.failureCode());
      BridgeClient.Reply none = send(bus, "channel." + Names.unique("none").toLowerCase(Locale.ROOT), "hi");
      assertEquals(sent.frame().getString("message"), none.frame().getString("message"),
        "a private channel answers as one that does not exist");
      assertEquals(403, bus.request("chat.history", new JsonObject().put("room", room)).failureCode());
      assertEquals(403, bus.request("chat.read", new JsonObject().put("room", room).put("id", 1)).failureCode());
      assertEquals(403, bus.request("chat.typing", new JsonObject().put("room", room)).failureCode());
      // a public channel: a preview of its history, nothing more until joined
      room = "channel." + open;
      assertEquals("visible to all", bus.request("chat.history", new JsonObject().put("room", room)).body()
        .getJsonArray("messages").getJsonObject(1).getString("text"));
      assertEquals(403, send(bus, room, "hi").failureCode());
      assertTrue(denied(bus.tryRegister("chat.room." + room)));
    }
    // joined on node 0, listening and sending on node 1 at once
    assertEquals(200, post(eve, "/api/channels/" + open + "/join", null).status());
    eve.bus().register("chat.room.channel." + open);
    assertEquals("now I am in", send(eve.bus(), "channel." + open, "now I am in").body().getString("text"));
  }

  @Test
  @Order(3)
  void contactsAndBlocksMadeOnOneNodeHoldOnTheOtherAtOnce() {
    User bob = user("bob", 1);
    User carol = user("carol", 0);
    User mallory = user("mallory", 0);
    String carolToBob = RoomId.between(carol.name(), bob.name()).id();
    assertEquals(200, bob.http().post("/api/profile/settings", new JsonObject().put("directMessages", "contacts")).status());
    BridgeClient.Reply refused = send(carol.bus(), carolToBob, "hi");
    assertEquals(403, refused.failureCode());
    assertEquals(CONTACTS_ONLY, refused.frame().getString("message"));

    assertEquals(201, carol.http().post("/api/contacts/requests", new JsonObject().put("username", bob.name())).status());
    assertEquals(200, post(bob, "/api/contacts/requests/" + carol.name() + "/accept", null).status());
    assertEquals("hi again", send(carol.bus(), carolToBob, "hi again").body().getString("text"));

    assertEquals(200, bob.http().post("/api/profile/settings", new JsonObject().put("directMessages", "everyone")).status());
    String malloryToBob = RoomId.between(mallory.name(), bob.name()).id();
    assertEquals("first", send(mallory.bus(), malloryToBob, "first").body().getString("text"));
    assertEquals(204, bob.http().post("/api/blocks", new JsonObject().put("username", mallory.name())).status());
    assertEquals(CONTACTS_ONLY, send(mallory.bus(), malloryToBob, "second").frame().getString("message"));
    stranger = mallory;
    assertEquals(200, bob.http().post("/api/profile/settings", new JsonObject().put("directMessages", "contacts")).status());
    removedKeeper = bob;
  }

  private static User removedKeeper;

  @Test
  @Order(4)
  void everythingSurvivesARestartOfTheNode() {
    cluster.restart(1);
    // bob (contacts only, blocks mallory) logs in again on the new node 1
    User bob = login(removedKeeper.name(), 1);
    assertEquals("contacts", bob.http().get("/api/profile/settings").json().getString("directMessages"));
    assertEquals(List.of(stranger.name()), bob.http().get("/api/blocks").json().getJsonArray("blocked").getList());
    User mallory = login(stranger.name(), 1);
    assertEquals(403, send(mallory.bus(), RoomId.between(mallory.name(), bob.name()).id(), "again").failureCode());

    // the channel of the first test: its owner listens on the new node, the removed member still cannot
    User alice = login(keeper.name(), 1);
    alice.bus().register("chat.room.channel." + keptChannel);
    User bobRemoved = login(removed.name(), 1);
    assertTrue(denied(bobRemoved.bus().tryRegister("chat.room.channel." + keptChannel)));
    assertEquals("still here", send(alice.bus(), "channel." + keptChannel, "still here").body().getString("text"));
  }
}
