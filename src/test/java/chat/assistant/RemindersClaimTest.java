package chat.assistant;

import chat.config.ChatConfig;
import chat.db.ReconnectingPool;
import chat.support.ChatFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The row claim that makes a reminder fire once: three claimers, each with its own connections to a real node's
 * database as three nodes have, look for the same due reminders at the same moments; each reminder goes to one.
 */
class RemindersClaimTest {

  private static final int DUE = 60;
  private static final int CLAIMERS = 3;

  /** Without the node's own assistant, which would claim some of them too. */
  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("bots", new JsonObject().put("assistant", false)));

  @Test
  void claimersRacingForTheSameDueRemindersEachGetDifferentOnes() throws Exception {
    Vertx vertx = Vertx.vertx();
    ChatConfig.Db db = ChatConfig.fromJson(chat.node().config()).db();
    List<ReconnectingPool> pools = new ArrayList<>();
    try {
      List<Reminders> claimers = new ArrayList<>();
      for (int i = 0; i < CLAIMERS; i++) {
        pools.add(new ReconnectingPool(vertx, db, "claimer-" + i));
        claimers.add(new Reminders(pools.get(i)));
      }
      long now = System.currentTimeMillis();
      String user = "claim" + now % 100_000;
      for (int i = 0; i < DUE; i++) {
        // a user may have 100 waiting: the 60 fit
        assertTrue(claimers.get(0).add(user, "global", "due " + i, now - 1000).await(10, TimeUnit.SECONDS));
      }
      Map<Long, Integer> claimedTimes = new HashMap<>();
      // each round, every claimer at once; a claimed reminder is not due to anyone else within its lease
      for (int round = 0; round < DUE && claimedTimes.size() < DUE; round++) {
        List<Future<List<Reminders.Reminder>>> rounds = claimers.stream().map(c -> c.claimDue(now)).toList();
        Future.all(rounds).await(10, TimeUnit.SECONDS);
        rounds.forEach(claimed -> claimed.result().stream().filter(r -> r.user().equals(user))
          .forEach(r -> claimedTimes.merge(r.id(), 1, Integer::sum)));
      }
      assertEquals(DUE, claimedTimes.size(), "every due reminder claimed");
      assertTrue(claimedTimes.values().stream().allMatch(times -> times == 1), "each once: " + claimedTimes);
    } finally {
      for (ReconnectingPool pool : pools) {
        pool.close().await(10, TimeUnit.SECONDS);
      }
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aReminderClaimedByANodeThatDiedBeforeFiringItIsClaimedAgainWhenTheLeaseEnds() throws Exception {
    Vertx vertx = Vertx.vertx();
    ChatConfig.Db db = ChatConfig.fromJson(chat.node().config()).db();
    ReconnectingPool deadPool = new ReconnectingPool(vertx, db, "dead");
    ReconnectingPool livePool = new ReconnectingPool(vertx, db, "live");
    try {
      Reminders dead = new Reminders(deadPool);
      Reminders live = new Reminders(livePool);
      long now = System.currentTimeMillis();
      String user = "lease" + now % 100_000;
      assertTrue(dead.add(user, "global", "stand up", now - 1).await(10, TimeUnit.SECONDS));
      List<Reminders.Reminder> claimed = mine(dead.claimDue(now).await(10, TimeUnit.SECONDS), user);
      assertEquals(1, claimed.size());
      // the claimer dies here, never firing it: within the lease nobody else takes it, after it the next one does
      assertTrue(mine(live.claimDue(now + Reminders.LEASE_MS - 1).await(10, TimeUnit.SECONDS), user).isEmpty());
      List<Reminders.Reminder> again = mine(live.claimDue(now + Reminders.LEASE_MS + 1).await(10, TimeUnit.SECONDS), user);
      assertEquals(claimed, again, "the same reminder, under the same cid " + claimed.get(0).cid());
      live.fired(again.get(0)).await(10, TimeUnit.SECONDS);
      assertTrue(mine(live.claimDue(now + 10 * Reminders.LEASE_MS).await(10, TimeUnit.SECONDS), user).isEmpty(),
        "fired: never claimed again");
    } finally {
      deadPool.close().await(10, TimeUnit.SECONDS);
      livePool.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  private static List<Reminders.Reminder> mine(List<Reminders.Reminder> claimed, String user) {
    return claimed.stream().filter(r -> r.user().equals(user)).toList();
  }
}
