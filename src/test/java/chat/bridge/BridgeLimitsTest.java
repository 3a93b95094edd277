package chat.bridge;

import chat.config.ChatConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BridgeLimitsTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final BridgeLimits limits = new BridgeLimits(ChatConfig.fromJson(new JsonObject().put("security",
    new JsonObject().put("requestsPerSecond", 10).put("requestBurst", 20).put("socketsPerUser", 2)
      .put("socketsPerAddress", 3))).security(), now::get);

  @Test
  void aUsersFramesAreABucketOfTheBurstRefilledAtTheRate() {
    for (int i = 0; i < 20; i++) {
      assertTrue(limits.tryFrame("alice"), "frame " + i);
    }
    assertFalse(limits.tryFrame("alice"));
    assertTrue(limits.tryFrame("bob"), "everyone has a bucket of their own");
    now.addAndGet(500_000_000L);
    for (int i = 0; i < 5; i++) {
      assertTrue(limits.tryFrame("alice"), "refilled " + i);
    }
    assertFalse(limits.tryFrame("alice"));
  }

  @Test
  void aHundredThousandMadeUpUsersLeaveNothingBehindOnceTheirBucketsAreFull() {
    for (int i = 0; i < 100_000; i++) {
      limits.tryFrame("made-up-" + i);
    }
    assertEquals(100_000, limits.budgetsKept());
    now.addAndGet(1_000_000_000L);
    limits.forgetIdle();
    assertEquals(0, limits.budgetsKept());
  }

  @Test
  void socketsCountPerUserAndPerAddressAndComeBackWhenClosed() {
    assertTrue(limits.openSocket("alice", "10.0.0.1"));
    assertTrue(limits.openSocket("alice", "10.0.0.1"));
    assertFalse(limits.openSocket("alice", "10.0.0.2"), "alice has her two");
    assertTrue(limits.openSocket("bob", "10.0.0.1"));
    assertFalse(limits.openSocket("carol", "10.0.0.1"), "the address has its three");
    assertTrue(limits.openSocket("carol", "10.0.0.2"), "a refused socket took nothing of carol's");
    limits.socketClosed("alice", "10.0.0.1");
    assertTrue(limits.openSocket("alice", "10.0.0.1"));
  }

  @Test
  void aPageOfHistoryCostsByItsSizeAndAnythingElseOne() {
    assertEquals(11, BridgeLimits.cost("chat.history", new JsonObject().put("room", "global").put("limit", 100)));
    assertEquals(6, BridgeLimits.cost("chat.history", new JsonObject().put("room", "global")), "the default page of 50");
    assertEquals(6, BridgeLimits.cost("chat.history", new JsonObject().put("limit", 1_000_000)), "refused as too big");
    assertEquals(1, BridgeLimits.cost("chat.send", new JsonObject().put("limit", 100)));
    assertTrue(limits.tryFrame("alice", 11));
    assertFalse(limits.tryFrame("alice", 11), "9 left of 20: not enough for another page of 100");
    assertTrue(limits.tryFrame("alice", 1), "but enough for a send");
  }

  @Test
  void refusalsOfRequestsWithoutASessionAreCountedPerAddress() {
    for (int i = 0; i < BridgeLimits.REFUSALS_BURST; i++) {
      assertTrue(limits.tryRefusal("10.0.0.9"), "refusal " + i + " answered at once");
    }
    assertFalse(limits.tryRefusal("10.0.0.9"));
    assertTrue(limits.tryRefusal("10.0.0.10"), "another address is not slowed down");
    now.addAndGet(1_000_000_000L);
    assertTrue(limits.tryRefusal("10.0.0.9"), "a second later, the address is answered at once again");
    now.addAndGet(10_000_000_000L);
    limits.forgetIdle();
    assertEquals(0, limits.budgetsKept());
  }
}
