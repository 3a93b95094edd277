package chat.store;

import io.vertx.core.Future;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The database check behind {@code /health}, at most one real probe per interval however often it is asked:
 * callers within the interval share the last probe's answer, or wait on the one in flight. Without it, anyone
 * could make a node run one query per request. Used from one event loop (the store verticle's).
 */
final class HealthProbe {

  static final long INTERVAL_MS = 1000;

  private final Supplier<Future<Void>> probe;
  private final LongSupplier clockMs;
  private Future<Void> last;
  private long startedAt;

  HealthProbe(Supplier<Future<Void>> probe, LongSupplier clockMs) {
    this.probe = probe;
    this.clockMs = clockMs;
  }

  Future<Void> check() {
    long now = clockMs.getAsLong();
    if (last == null || now - startedAt >= INTERVAL_MS) {
      startedAt = now;
      last = probe.get();
    }
    return last;
  }
}
