package chat.cluster;

import chat.app.ChatNode;
import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ClusterFixture;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three real clustered nodes in this JVM on one shared HSQLDB server; the last test stops one of them. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  @RegisterExtension
  static final ClusterFixture nodes = new ClusterFixture(3);

  private record User(String name, Http http, BridgeClient bus) {
  }

  /** Registers through node 0 (accounts are shared), then logs in and opens a socket on the given node. */
  private User user(String base, TestNode node) {
    String name = Names.unique(base);
    new Http(nodes.vertx(), nodes.cluster().node(0).port()).post("/api/register", Http.registration(name, "pw-" + name + "-long"));
    Http http = new Http(nodes.vertx(), node.port()).logIn(name, "pw-" + name + "-long");
    BridgeClient bus = BridgeClient.connect(nodes.vertx(), node.port(), http.cookie());
    nodes.closeAfterTest(bus);
    return new User(name, http, bus);
  }

  private static JsonObject send(String room, String text) {
    return new JsonObject().put("room", room).put("text", text);
  }

  @Test
  @Order(1)
  void healthShowsTheWholeCluster() {
    for (int i = 0; i < 3; i++) {
      Http.Response health = new Http(nodes.vertx(), nodes.cluster().node(i).port()).get("/health");
      assertEquals(200, health.status());
      JsonObject body = health.json();
      assertEquals("UP", body.getString("status"));
      assertEquals("UP", body.getString("db"));
      assertEquals(3, body.getInteger("clusterSize"));
      assertEquals(nodes.cluster().node(i).node().nodeId(), body.getString("node"));
    }
  }

  @Test
  @Order(2)
  void globalAndTopicMessagesCrossNodes() {
    User alice = user("alice", nodes.cluster().node(0));
    User bob = user("bob", nodes.cluster().node(1));
    User carol = user("carol", nodes.cluster().node(2));
    for (User u : List.of(alice, bob, carol)) {
      u.bus().register("chat.room.global");
      u.bus().register("chat.room.topic.news");
    }
    JsonObject hello = bob.bus().request("chat.send", send("global", "hello from B")).body();
    JsonObject news = carol.bus().request("chat.send", send("topic.news", "news from C")).body();
    for (User u : List.of(alice, bob, carol)) {
      assertEquals(hello, u.bus().next("chat.room.global"));
      assertEquals(news, u.bus().next("chat.room.topic.news"));
    }
  }

  @Test
  @Order(3)
  void privateMessageReachesOnlyItsMembersAcrossNodes() {
    User alice = user("alice", nodes.cluster().node(0));
    User bob = user("bob", nodes.cluster().node(1));
    User eve = user("eve", nodes.cluster().node(1));
    String room = RoomId.between(alice.name(), bob.name()).id();
    alice.bus().register("chat.room." + room);
    alice.bus().register("chat.user." + alice.name().toLowerCase());
    bob.bus().register("chat.room." + room);
    eve.bus().register("chat.room.global");
    eve.bus().register("chat.user." + eve.name().toLowerCase());
    assertEquals("err", eve.bus().tryRegister("chat.room." + room).getString("type"));

    JsonObject secret = bob.bus().request("chat.send", send(room, "between us")).body();
    assertEquals(secret, alice.bus().next("chat.room." + room));
    assertEquals(secret, bob.bus().next("chat.room." + room));
    // the notice that raises a badge reaches the other member on the other node, once
    JsonObject notice = alice.bus().next("chat.user." + alice.name().toLowerCase());
    assertEquals(new JsonObject().put("room", room).put("message", secret), notice);
    JsonObject marker = alice.bus().request("chat.send", send("global", "marker")).body();
    assertEquals(marker, eve.bus().next("chat.room.global"));
    assertTrue(eve.bus().received("chat.room." + room).isEmpty());
    assertTrue(eve.bus().received("chat.user." + eve.name().toLowerCase()).isEmpty());
    assertTrue(alice.bus().received("chat.user." + alice.name().toLowerCase()).isEmpty(), "one notice, not two");
  }

  @Test
  @Order(4)
  void loginOnOneNodeOpensASocketOnAnother() {
    String name = Names.unique("roamer");
    Http onA = new Http(nodes.vertx(), nodes.cluster().node(0).port()).signUp(name);
    Http onB = new Http(nodes.vertx(), nodes.cluster().node(1).port()).withCookie(onA.cookie());
    assertEquals(name, onB.get("/api/me").json().getString("username"));
    try (BridgeClient bus = BridgeClient.connect(nodes.vertx(), nodes.cluster().node(1).port(), onA.cookie())) {
      bus.register("chat.room.global");
      assertEquals(name, bus.request("chat.send", send("global", "via B")).body().getString("sender"));
    }
  }

  @Test
  @Order(5)
  void eachClientSeesEveryRoomsIdsInIncreasingOrder() {
    User alice = user("alice", nodes.cluster().node(0));
    User bob = user("bob", nodes.cluster().node(1));
    User carol = user("carol", nodes.cluster().node(2));
    for (User u : List.of(alice, bob, carol)) {
      u.bus().register("chat.room.topic.general");
    }
    // three senders on three nodes, each with its whole burst in flight before any reply: the room's owner stores
    // many at once (they share commits) and must still publish them in id order
    int each = 15; // a socket may have 16 requests in flight
    List<CompletableFuture<BridgeClient.Burst>> bursts = new ArrayList<>();
    for (User u : List.of(alice, bob, carol)) {
      List<JsonObject> bodies = new ArrayList<>();
      for (int i = 0; i < each; i++) {
        bodies.add(send("topic.general", u.name() + " " + i));
      }
      bursts.add(CompletableFuture.supplyAsync(() -> BridgeClient.burst(List.of(u.bus()), "chat.send", bodies)));
    }
    List<Long> acknowledged = new ArrayList<>();
    bursts.forEach(b -> b.join().replies().forEach(reply -> acknowledged.add(reply.body().getLong("id"))));
    assertEquals(3 * each, acknowledged.size(), "every send of the bursts acknowledged");
    for (User u : List.of(alice, bob, carol)) {
      List<Long> seen = new ArrayList<>();
      for (int i = 0; i < 3 * each; i++) {
        seen.add(u.bus().next("chat.room.topic.general").getLong("id"));
      }
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i) > seen.get(i - 1), u.name() + " saw " + seen.get(i) + " after " + seen.get(i - 1));
      }
      assertEquals(acknowledged.stream().sorted().toList(), seen, u.name() + " got every acknowledged message once");
    }
  }

  /** Someone on node 0 whose page listens to presence. */
  private User presenceWatcher() {
    User watcher = user("watcher", nodes.cluster().node(0));
    watcher.bus().register("chat.presence");
    return watcher;
  }

  /** The presence events about this user. */
  private static Predicate<JsonObject> presenceOf(String name) {
    return f -> "rec".equals(f.getString("type")) && name.equals(f.getJsonObject("body").getString("username"));
  }

  @Test
  @Order(6)
  void presenceIsClusterWide() {
    User watcher = presenceWatcher();
    String name = Names.unique("comer");
    Http http = new Http(nodes.vertx(), nodes.cluster().node(2).port()).signUp(name);
    BridgeClient bus = BridgeClient.connect(nodes.vertx(), nodes.cluster().node(2).port(), http.cookie());
    assertEquals(true, watcher.bus().take(presenceOf(name)).getJsonObject("body").getBoolean("online"));
    TestCluster.awaitTrue("online via node 1", () -> isOnline(watcher.http(), nodes.cluster().node(1).port(), name));

    bus.close();
    assertEquals(false, watcher.bus().take(presenceOf(name)).getJsonObject("body").getBoolean("online"));
    assertEquals(false, isOnline(watcher.http(), nodes.cluster().node(0).port(), name));
  }

  /**
   * A user whose last two sockets, on two nodes, close at once: each of those nodes hears its own report before the
   * other's (made so here, as CI met it) and finds the user still on the other node. The user is announced offline
   * all the same, once.
   */
  @Test
  @Order(6)
  void aUserWhoLeavesTwoNodesAtOnceIsAnnouncedOfflineOnce() {
    User watcher = presenceWatcher();
    String name = Names.unique("twotabs");
    Predicate<JsonObject> about = presenceOf(name);
    Http http = new Http(nodes.vertx(), nodes.cluster().node(1).port()).signUp(name);
    List<ReportsAbout> reports = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      reports.add(new ReportsAbout(nodes.cluster().node(i).node(), name, i > 0));
    }
    try {
      BridgeClient one = BridgeClient.connect(nodes.vertx(), nodes.cluster().node(1).port(), http.cookie());
      BridgeClient two = BridgeClient.connect(nodes.vertx(), nodes.cluster().node(2).port(), http.cookie());
      assertEquals(true, watcher.bus().take(about).getJsonObject("body").getBoolean("online"));
      TestCluster.awaitTrue("every node heard both sockets open",
        () -> reports.stream().allMatch(r -> r.heardOnline() == 2));
      one.close();
      two.close();
      assertEquals(false, watcher.bus().take(about).getJsonObject("body").getBoolean("online"));
      assertEquals(List.of(), watcher.bus().framesWhere(about), "announced once");
      assertEquals(false, isOnline(watcher.http(), nodes.cluster().node(0).port(), name));
    } finally {
      reports.forEach(ReportsAbout::close);
    }
  }

  /**
   * What one node hears of the nodes' reports about one user; when {@code crossing}, another node's report that the
   * user has gone waits until this node's own has gone through.
   */
  private static final class ReportsAbout implements Handler<DeliveryContext<Object>> {
    private final ChatNode node;
    private final String username;
    private final boolean crossing;
    private int heardOnline;
    private boolean ownOfflineDone;
    private DeliveryContext<Object> heldOffline;

    ReportsAbout(ChatNode node, String username, boolean crossing) {
      this.node = node;
      this.username = username;
      this.crossing = crossing;
      node.vertx().eventBus().addInboundInterceptor(this);
    }

    @Override
    public void handle(DeliveryContext<Object> delivery) {
      // the message's body: that of a delivery from another node is not decoded yet here
      if (!Addresses.PRESENCE_NODE.equals(delivery.message().address())
        || !(delivery.message().body() instanceof JsonObject report)
        || !username.equals(report.getString("username"))) {
        delivery.next();
        return;
      }
      boolean own = node.nodeId().equals(report.getString("node"));
      DeliveryContext<Object> release = null;
      synchronized (this) {
        if (report.getBoolean("online")) {
          heardOnline++;
        } else if (crossing && !own && !ownOfflineDone) {
          heldOffline = delivery;
          return;
        } else if (own) {
          ownOfflineDone = true;
          release = heldOffline;
        }
      }
      delivery.next();
      if (release != null) {
        release.next();
      }
    }

    synchronized int heardOnline() {
      return heardOnline;
    }

    void close() {
      node.vertx().eventBus().removeInboundInterceptor(this);
    }
  }

  /** Whether the user shows online on the node on {@code port}, as asked by the user logged in on {@code anyUser}. */
  private static boolean isOnline(Http anyUser, int port, String name) {
    return new Http(nodes.vertx(), port).withCookie(anyUser.cookie()).online(name);
  }

  @Test
  @Order(7)
  void aNodeThatJoinsTheRunningClusterServesAtOnce() {
    User alice = user("alice", nodes.cluster().node(0));
    alice.bus().register("chat.room.global");
    TestNode joined = nodes.cluster().addNode();
    nodes.cluster().awaitSize(4);
    User newcomer = user("newcomer", joined);
    newcomer.bus().register("chat.room.global");
    JsonObject hello = newcomer.bus().request("chat.send", send("global", "hi from the new node")).body();
    assertEquals(hello, alice.bus().next("chat.room.global"));
    assertEquals(hello, newcomer.bus().next("chat.room.global"));
    JsonObject back = alice.bus().request("chat.send", send("global", "welcome")).body();
    assertEquals(back, newcomer.bus().next("chat.room.global"));
    joined.close();
    nodes.cluster().awaitSize(3);
  }

  @Test
  @Order(8)
  void aStoppedNodeLeavesTheOthersDeliveringAndItsUsersOffline() {
    User alice = user("alice", nodes.cluster().node(0));
    User bob = user("bob", nodes.cluster().node(1));
    User gone = user("gone", nodes.cluster().node(2));
    for (User u : List.of(alice, bob, gone)) {
      u.bus().register("chat.room.global");
    }
    alice.bus().request("chat.send", send("global", "before")).body();
    TestCluster.awaitTrue("gone online", () -> isOnline(alice.http(), nodes.cluster().node(0).port(), gone.name()));

    nodes.cluster().node(2).close();
    nodes.cluster().awaitSize(2);
    // every room, including those node 2 owned, is served by the survivors
    for (int i = 0; i < 10; i++) {
      JsonObject sent = bob.bus().request("chat.send", send("global", "after " + i)).body();
      assertEquals(sent, alice.bus().take(f -> "rec".equals(f.getString("type"))
        && sent.equals(f.getJsonObject("body"))).getJsonObject("body"));
    }
    for (String topic : List.of("topic.news", "topic.general")) {
      assertEquals(topic, alice.bus().request("chat.send", send(topic, "still works")).body().getString("room"));
    }
    TestCluster.awaitTrue("gone offline", () -> !isOnline(alice.http(), nodes.cluster().node(0).port(), gone.name()));
  }
}
