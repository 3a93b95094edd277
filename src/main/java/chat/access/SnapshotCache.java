package chat.access;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Answers kept per key for a verticle's access checks (a channel's members, a user's private-message policy), so
 * that a frame never waits for the database: loaded once, shared by the callers waiting on the same key, forgotten
 * when an {@link chat.bus.AccessChange} names the key, and loaded again after {@link #MAX_AGE_MS} in case a change
 * was missed (a node cut off from the others for a moment). A failed load is not kept. Used from one event loop.
 */
final class SnapshotCache<T> {

  static final long MAX_AGE_MS = 5 * 60_000;

  private final int maxKept;
  private final Function<String, Future<T>> load;
  private final Map<String, Entry<T>> entries = new HashMap<>();

  private record Entry<T>(Future<T> value, long loadedAt) {
  }

  SnapshotCache(int maxKept, Function<String, Future<T>> load) {
    this.maxKept = maxKept;
    this.load = load;
  }

  Future<T> get(String key) {
    long now = System.currentTimeMillis();
    Entry<T> kept = entries.get(key);
    if (kept != null && now - kept.loadedAt() < MAX_AGE_MS) {
      return kept.value();
    }
    if (entries.size() >= maxKept) {
      entries.clear();
    }
    Promise<T> loading = Promise.promise();
    Entry<T> entry = new Entry<>(loading.future(), now);
    entries.put(key, entry);
    load.apply(key).onComplete(loading::complete, err -> {
      entries.remove(key, entry);
      loading.fail(err);
    });
    return loading.future();
  }

  void forget(String key) {
    entries.remove(key);
  }

  /** Forgets every key this says (a scan: for changes that are rare, such as a user's new keys). */
  void forgetIf(java.util.function.Predicate<String> key) {
    entries.keySet().removeIf(key);
  }
}
