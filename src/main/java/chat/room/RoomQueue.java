package chat.room;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs tasks one after another per room, so a room's messages are stored and published in the order of their
 * ids. Rooms do not wait for each other. Used from one event loop only.
 *
 * <p>A room's tasks wait in a queue and run from a loop, not as a chain of futures each composed on the one
 * before: once the owner asks the store at once, most tasks find their message stored already and end at once,
 * and a chain then runs them all from the listener of the one before, one stack frame deeper each. Thousands
 * queued behind one slow commit overflowed the stack when it ended, and the chain stopped for good without a
 * word (no later message of the room was published; OverloadIT, issue 18).
 */
final class RoomQueue {

  private record Task<T>(Supplier<Future<T>> work, Promise<T> done) {
    Future<T> start() {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }

    void end(AsyncResult<?> result) {
      @SuppressWarnings("unchecked") AsyncResult<T> ended = (AsyncResult<T>) result;
      done.handle(ended);
    }
  }

  private final Map<String, ArrayDeque<Task<?>>> rooms = new HashMap<>();

  <T> Future<T> submit(String room, Supplier<Future<T>> work) {
    Task<T> task = new Task<>(work, Promise.promise());
    ArrayDeque<Task<?>> waiting = rooms.get(room);
    if (waiting != null) {
      waiting.add(task);
    } else {
      waiting = new ArrayDeque<>();
      waiting.add(task);
      rooms.put(room, waiting);
      runFrom(room, waiting);
    }
    return task.done().future();
  }

  /** Completes when every task submitted so far has finished, however it ended. */
  Future<Void> idle() {
    return Future.join(rooms.keySet().stream().map(this::idle).toList()).mapEmpty();
  }

  /** Completes when every task submitted so far for this room has finished, however it ended. */
  Future<Void> idle(String room) {
    ArrayDeque<Task<?>> waiting = rooms.get(room);
    return waiting == null ? Future.succeededFuture()
      : waiting.getLast().done().future().transform(ended -> Future.succeededFuture());
  }

  /**
   * Runs the room's first task and those after it, in this loop while each ends at once, else from the listener
   * of the first that does not (a new stack, since it ends later).
   */
  private void runFrom(String room, ArrayDeque<Task<?>> waiting) {
    while (true) {
      Task<?> task = waiting.peek();
      Future<?> running = task.start();
      if (!running.isComplete()) {
        running.onComplete(result -> {
          if (next(room, waiting, task, result)) {
            runFrom(room, waiting);
          }
        });
        return;
      }
      if (!next(room, waiting, task, running)) {
        return;
      }
    }
  }

  /** Ends the room's first task; whether another is waiting (if not, the room is forgotten first). */
  private boolean next(String room, ArrayDeque<Task<?>> waiting, Task<?> task, AsyncResult<?> result) {
    waiting.poll();
    boolean more = !waiting.isEmpty();
    if (!more) {
      rooms.remove(room);
    }
    // its listeners may submit to this room again: then into the queue still running, or a new one just started
    task.end(result);
    return more;
  }
}
