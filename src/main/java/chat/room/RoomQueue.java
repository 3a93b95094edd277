package chat.room;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs tasks one after another per room, so a room's messages are stored and published in the order of their
 * ids. Rooms do not wait for each other. Used from one event loop only.
 */
final class RoomQueue {

  private final Map<String, Future<?>> tails = new HashMap<>();

  <T> Future<T> submit(String room, Supplier<Future<T>> task) {
    Future<?> tail = tails.getOrDefault(room, Future.succeededFuture());
    Future<T> result = tail.transform(previous -> task.get());
    tails.put(room, result);
    result.onComplete(done -> tails.remove(room, result));
    return result;
  }

  /** Completes when every task submitted so far has finished. */
  Future<Void> idle() {
    return Future.join(java.util.List.copyOf(tails.values())).mapEmpty();
  }
}
