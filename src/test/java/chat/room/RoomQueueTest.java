package chat.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A room's tasks run in order, however many queue up behind a slow one. */
class RoomQueueTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void tensOfThousandsQueuedBehindASlowTaskAllRunInOrderOnceItEnds() {
    int queued = 50_000;
    List<Integer> ran = new ArrayList<>();
    Promise<Void> slow = Promise.promise();
    Future<Void> all = vertx.<Void>executeBlocking(() -> null).compose(v -> {
      // as the owner's messages whose commit came back before the one in front of them: each ends at once
      RoomQueue queue = new RoomQueue();
      List<Future<Integer>> results = new ArrayList<>();
      queue.submit("global", slow::future);
      for (int i = 0; i < queued; i++) {
        Future<Integer> stored = Future.succeededFuture(i);
        results.add(queue.submit("global", () -> stored.map(n -> {
          ran.add(n);
          return n;
        })));
      }
      // another room does not wait for this one
      Future<String> other = queue.submit("topic.news", () -> Future.succeededFuture("news"));
      assertTrue(other.succeeded());
      assertTrue(ran.isEmpty(), "nothing ran before the slow task ended");
      Future<Void> idle = queue.idle();
      vertx.setTimer(10, id -> slow.complete());
      return Future.all(results).compose(done -> idle);
    });
    all.toCompletionStage().toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    assertEquals(queued, ran.size());
    for (int i = 0; i < queued; i++) {
      assertEquals(i, ran.get(i));
    }
  }
}
