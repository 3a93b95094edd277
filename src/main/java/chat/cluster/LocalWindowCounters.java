package chat.cluster;

import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Window counters of a node that is not clustered: a concurrent map whose entries are dropped once their window
 * is over (on a timer the owner runs, see {@link #sweep}), and never more than {@code maxKeys} of them: at the cap
 * a sweep runs, and if every entry is still live the new key is counted anyway but the oldest windows go first.
 */
final class LocalWindowCounters implements WindowCounters {

  private record Window(long startMs, long count) {
  }

  private final long windowMs;
  private final int maxKeys;
  private final LongSupplier clockMs;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  LocalWindowCounters(long windowMs, int maxKeys, LongSupplier clockMs) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
    this.clockMs = clockMs;
  }

  @Override
  public Future<Count> increment(String key) {
    long now = clockMs.getAsLong();
    if (windows.size() >= maxKeys && !windows.containsKey(key)) {
      makeRoom(now);
    }
    Window window = windows.compute(key, (k, old) -> old == null || now - old.startMs() >= windowMs
      ? new Window(now, 1) : new Window(old.startMs(), old.count() + 1));
    return Future.succeededFuture(new Count(window.count(), window.startMs() + windowMs));
  }

  @Override
  public Future<Void> decrement(String key) {
    windows.computeIfPresent(key, (k, old) -> old.count() <= 1 ? null : new Window(old.startMs(), old.count() - 1));
    return Future.succeededFuture();
  }

  @Override
  public int size() {
    return windows.size();
  }

  /** Drops the windows that are over. */
  void sweep() {
    long now = clockMs.getAsLong();
    windows.values().removeIf(window -> now - window.startMs() >= windowMs);
  }

  private void makeRoom(long now) {
    sweep();
    if (windows.size() < maxKeys) {
      return;
    }
    // all live: the oldest windows are the nearest to ending anyway
    long oldest = windows.values().stream().mapToLong(Window::startMs).min().orElse(now);
    windows.values().removeIf(window -> window.startMs() <= oldest);
  }
}
