package chat.cluster;

import chat.support.BridgeClient;
import chat.support.Certificates;
import chat.support.DatabaseServer;
import chat.support.Http;
import chat.support.Names;
import chat.support.Ports;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a stranger on the cluster network gets: Hazelcast and the event bus listen on cluster.host only, and with
 * cluster.tls a node whose certificate is not from the cluster's CA cannot put a message on the bus or take one
 * off it, even though Hazelcast (open-source edition, unencrypted) lets it in as a member.
 */
class ClusterPlaneTest {

  @TempDir
  Path dir;
  private final DatabaseServer database = DatabaseServer.start();
  private final String clusterName = "plane-" + UUID.randomUUID();
  private final List<Integer> hazelcastPorts = List.of(Ports.free(), Ports.free(), Ports.free());
  private final List<TestNode> nodes = new ArrayList<>();
  private Vertx clients;

  @AfterEach
  void stop() {
    if (clients != null) {
      clients.close().await();
    }
    nodes.forEach(TestNode::close);
    database.close();
  }

  @Test
  void theClusterPortsAnswerOnTheClusterAddressOnly() {
    int eventBusPort = Ports.free();
    start(0, null, eventBusPort);
    int hazelcastPort = hazelcastPorts.get(0);
    assertTrue(accepts("127.0.0.1", hazelcastPort), "Hazelcast on cluster.host");
    assertTrue(accepts("127.0.0.1", eventBusPort), "the event bus on cluster.host");
    // every 127.x address is this machine's loopback: a wildcard bind would answer on 127.0.0.2 too
    assertThrows(ConnectException.class, () -> connect("127.0.0.2", hazelcastPort));
    assertThrows(ConnectException.class, () -> connect("127.0.0.2", eventBusPort));
  }

  @Test
  void aNodeWithoutTheClustersCertificateCannotSendOrReceive() throws Exception {
    Certificates.Pem ca = Certificates.authority(dir, "cluster-ca");
    Certificates.Pem strangerCa = Certificates.authority(dir, "stranger-ca");
    JsonObject tlsA = tls(Certificates.issuedBy(ca, dir, "node-a"), ca);
    JsonObject tlsB = tls(Certificates.issuedBy(ca, dir, "node-b"), ca);
    // a stranger with a certificate of its own CA (the node's start-up check refuses anything else)
    JsonObject tlsC = tls(Certificates.issuedBy(strangerCa, dir, "node-c"), strangerCa);

    TestNode a = start(0, tlsA, 0);
    TestNode b = start(1, tlsB, 0);
    awaitMembers(2);

    // the two real nodes chat over TLS: alice on A, bob on B
    clients = Vertx.vertx();
    Http alice = new Http(clients, a.port()).signUp(Names.unique("alice"));
    Http bob = new Http(clients, b.port()).signUp(Names.unique("bob"));
    try (BridgeClient aliceBus = BridgeClient.connect(clients, a.port(), alice.cookie());
         BridgeClient bobBus = BridgeClient.connect(clients, b.port(), bob.cookie())) {
      aliceBus.register("chat.room.global");
      bobBus.register("chat.room.global");
      JsonObject sent = aliceBus.request("chat.send", new JsonObject().put("room", "global").put("text", "over TLS")).body();
      assertEquals(sent, bobBus.next("chat.room.global"));
    }

    TestNode c = start(2, tlsC, 0);
    awaitMembers(3);
    EventBus busA = a.node().vertx().eventBus();
    EventBus busB = b.node().vertx().eventBus();
    EventBus busC = c.node().vertx().eventBus();
    AtomicInteger receivedByA = consume(busA, "probe.a", "probe.all");
    AtomicInteger receivedByB = consume(busB, "probe.b", "probe.all");
    AtomicInteger receivedByC = consume(busC, "probe.c", "probe.all");

    // A reaches B, and a publish reaches B; the same publish to C, and a request to C, fail
    assertEquals("probe.b", busA.request("probe.b", "hello", timeout()).await(10, TimeUnit.SECONDS).body());
    busA.publish("probe.all", "to everyone");
    TestCluster.awaitTrue("B got the publish", () -> receivedByB.get() == 2);
    Future<Message<Object>> toC = busA.request("probe.c", "hello", timeout());
    assertThrows(Exception.class, () -> toC.await(10, TimeUnit.SECONDS));
    // C sends to A's address and publishes: nothing arrives
    Future<Message<Object>> fromC = busC.request("probe.a", "let me in", timeout());
    busC.publish("probe.all", "from the stranger");
    assertThrows(Exception.class, () -> fromC.await(10, TimeUnit.SECONDS));
    // a marker from B after C's publish: B's own message arrives, C's never did
    busB.publish("probe.all", "marker");
    // B's own copy comes through its event loop too, not within publish(): wait for both, as CI once caught B at 2
    TestCluster.awaitTrue("A and B got B's marker", () -> receivedByA.get() >= 2 && receivedByB.get() >= 3);
    assertEquals(3, receivedByB.get(), "A's publish, B's own marker and nothing from C");
    assertEquals(2, receivedByA.get(), "A's own publish and B's marker, nothing from C");
    assertEquals(1, receivedByC.get(), "C only has its own publish");
  }

  private TestNode start(int index, JsonObject tls, int eventBusPort) {
    JsonArray members = new JsonArray();
    hazelcastPorts.forEach(port -> members.add("127.0.0.1:" + port));
    JsonObject cluster = new JsonObject().put("enabled", true).put("host", "127.0.0.1")
      .put("port", hazelcastPorts.get(index)).put("members", members).put("name", clusterName);
    if (tls != null) {
      cluster.put("tls", tls);
    }
    TestNode node = TestNode.start(TestNode.newDataDir(), new JsonObject()
      .put("db", new JsonObject().put("url", database.url()))
      .put("cluster", cluster)
      .put("eventBus", new JsonObject().put("port", eventBusPort)));
    nodes.add(node);
    return node;
  }

  private void awaitMembers(int size) {
    TestCluster.awaitTrue("cluster of " + size, () -> nodes.stream().allMatch(n -> n.node().clusterSize() == size));
  }

  private static JsonObject tls(Certificates.Pem node, Certificates.Pem ca) {
    return new JsonObject().put("certPath", node.cert().toString()).put("keyPath", node.key().toString())
      .put("caPath", ca.cert().toString());
  }

  /** Counts what arrives at these addresses on this node; a request is answered with the address. */
  private static AtomicInteger consume(EventBus bus, String... addresses) {
    AtomicInteger received = new AtomicInteger();
    for (String address : addresses) {
      bus.consumer(address, message -> {
        received.incrementAndGet();
        message.reply(address);
      }).completion().await();
    }
    return received;
  }

  private static DeliveryOptions timeout() {
    return new DeliveryOptions().setSendTimeout(3000);
  }

  private static boolean accepts(String host, int port) {
    try {
      connect(host, port);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void connect(String host, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 2000);
    }
  }
}
