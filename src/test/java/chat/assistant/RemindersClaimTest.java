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
}
