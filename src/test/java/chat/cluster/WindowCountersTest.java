package chat.cluster;

import chat.config.ChatConfig;
import chat.support.Ports;
import chat.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The counters behind every throttle: atomic across two real Hazelcast members (no lost update, every caller its
 * own count), and bounded in memory whatever number of distinct keys a flood makes up.
 */
class WindowCountersTest {

  private static final List<Vertx> members = new ArrayList<>();
  private static final List<HazelcastClusterManager> managers = new ArrayList<>();

  @BeforeAll
  static void twoMembers() throws Exception {
    List<Integer> ports = List.of(Ports.free(), Ports.free());
    JsonArray list = new JsonArray();
    ports.forEach(port -> list.add("127.0.0.1:" + port));
    String name = "counters-" + UUID.randomUUID();
    for (int port : ports) {
      ChatConfig.Cluster cluster = ChatConfig.fromJson(new JsonObject().put("cluster", new JsonObject()
        .put("enabled", true).put("host", "127.0.0.1").put("port", port).put("members", list).put("name", name)))
        .cluster();
      HazelcastClusterManager manager = HazelcastSetup.clusterManager(cluster);
      managers.add(manager);
      members.add(Vertx.builder().withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS));
    }
    TestCluster.awaitTrue("two members", () -> managers.get(0).getNodes().size() == 2);
  }

  @AfterAll
  static void stop() {
    members.forEach(vertx -> vertx.close().await());
  }

  private static WindowCounters counters(int member, String name, long windowMs) {
    return SharedCounters.clustered(members.get(member), managers.get(member).getHazelcastInstance())
      .windows(name, windowMs);
  }

  @Test
  void threeHundredConcurrentIncrementsFromTwoMembersEachGetTheirOwnCount() throws Exception {
    String name = "atomic-" + UUID.randomUUID();
    List<Future<WindowCounters.Count>> counts = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      counts.add(counters(i % 2, name, 60_000).increment("one-key"));
    }
    List<Long> seen = new ArrayList<>();
    for (Future<WindowCounters.Count> count : counts) {
      seen.add(count.await(30, TimeUnit.SECONDS).count());
    }
    assertEquals(LongStream.rangeClosed(1, 300).boxed().toList(), seen.stream().sorted().toList(),
      "1 to 300, each once: no update lost, no count shared");
    counters(1, name, 60_000).decrement("one-key").await(10, TimeUnit.SECONDS);
    assertEquals(300, counters(0, name, 60_000).increment("one-key").await(10, TimeUnit.SECONDS).count());
  }

  @Test
  void aHundredThousandMadeUpKeysAreForgottenWithTheirWindow() throws Exception {
    String name = "flood-" + UUID.randomUUID();
    WindowCounters flood = counters(0, name, 2000);
    List<Future<WindowCounters.Count>> pending = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      pending.add(flood.increment(CounterKey.of("made-up-user-" + i, "x".repeat(i % 50))));
      if (pending.size() == 1000) {
        Future.all(pending).await(60, TimeUnit.SECONDS);
        pending.clear();
      }
    }
    Future.all(pending).await(60, TimeUnit.SECONDS);
    int held = flood.size() + counters(1, name, 2000).size();
    assertTrue(held <= 100_000, "held " + held);
    TestCluster.awaitTrue("the window is over and every entry gone",
      () -> flood.size() + counters(1, name, 2000).size() == 0);
  }

  @Test
  void aLocalCounterKeepsNoMoreThanItsCapAndForgetsWithTheWindow() {
    AtomicLong now = new AtomicLong(1_000_000);
    LocalWindowCounters local = new LocalWindowCounters(60_000, 1000, now::get);
    for (int i = 0; i < 100_000; i++) {
      local.increment("made-up-" + i);
      now.addAndGet(i % 100 == 0 ? 1 : 0);
      assertTrue(local.size() <= 1000, "size " + local.size() + " after " + i);
    }
    assertEquals(1, local.increment("made-up-99999").result().count() - 1, "a live key keeps its count");
    now.addAndGet(60_000);
    local.sweep();
    assertEquals(0, local.size());
  }

  @Test
  void keysHaveOneSizeWhateverTheyAreMadeOf() {
    assertEquals(22, CounterKey.of("a").length());
    assertEquals(22, CounterKey.of("x".repeat(100_000), "203.0.113.7").length());
    assertTrue(!CounterKey.of("ab", "c").equals(CounterKey.of("a", "bc")), "parts stay apart");
  }
}
