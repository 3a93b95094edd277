package chat.cluster;

import io.vertx.core.Future;

/**
 * Counts events per key in fixed windows, atomically: an increment returns the count with itself included, so
 * any number of concurrent callers on any number of nodes see distinct counts and a limit can be reserved before
 * the costly work it guards. Every entry expires with its window; keys are the callers' business to keep short
 * (see {@link CounterKey}).
 */
public interface WindowCounters {

  /** A key's count in its current window, and when that window ends (epoch millis). */
  record Count(long count, long resetsAtMs) {

    /** Whole seconds until the window ends, at least 1. */
    public long retryAfterSeconds(long nowMs) {
      return Math.max(1, (resetsAtMs - nowMs + 999) / 1000);
    }
  }

  /** Counts one event; the answer includes it. */
  Future<Count> increment(String key);

  /** Takes one back (a reservation that turned out not to count); never below zero. */
  Future<Void> decrement(String key);

  /** Keys held now (on this node, for a cluster map): for tests and metrics. */
  int size();
}
