package chat.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

/**
 * Counts attempts per key in fixed windows, in a map shared by the whole cluster (so trying node after node
 * gains nothing). Updates are compare-and-set, so concurrent attempts on different nodes are all counted.
 */
final class Throttle {

  private static final int CAS_TRIES = 8;

  private final Vertx vertx;
  private final String mapName;
  private final int limit;
  private final long windowMs;

  Throttle(Vertx vertx, String mapName, int limit, long windowMs) {
    this.vertx = vertx;
    this.mapName = mapName;
    this.limit = limit;
    this.windowMs = windowMs;
  }

  /** Seconds until this key may try again; 0 when it may try now. */
  Future<Long> retryAfterSeconds(String key) {
    long now = System.currentTimeMillis();
    return map().compose(map -> map.get(key)).map(value -> {
      Window window = Window.parse(value);
      if (window == null || window.expired(now, windowMs) || window.count < limit) {
        return 0L;
      }
      return Math.max(1, (window.start + windowMs - now + 999) / 1000);
    });
  }

  /** Counts one attempt. */
  Future<Void> hit(String key) {
    return map().compose(map -> hit(map, key, CAS_TRIES));
  }

  Future<Void> clear(String key) {
    return map().compose(map -> map.remove(key)).mapEmpty();
  }

  private Future<Void> hit(AsyncMap<String, String> map, String key, int triesLeft) {
    long now = System.currentTimeMillis();
    return map.get(key).compose(old -> {
      Window window = Window.parse(old);
      String next = (window == null || window.expired(now, windowMs) ? new Window(now, 1)
        : new Window(window.start, window.count + 1)).toString();
      Future<Boolean> written = old == null
        ? map.putIfAbsent(key, next, windowMs).map(previous -> previous == null)
        : map.replaceIfPresent(key, old, next);
      return written.compose(ok -> ok || triesLeft <= 1 ? Future.<Void>succeededFuture() : hit(map, key, triesLeft - 1));
    });
  }

  private Future<AsyncMap<String, String>> map() {
    return vertx.sharedData().getAsyncMap(mapName);
  }

  /** "start:count" — a String, which every cluster manager can store. */
  private record Window(long start, int count) {
    static Window parse(String value) {
      if (value == null) {
        return null;
      }
      int colon = value.indexOf(':');
      return new Window(Long.parseLong(value.substring(0, colon)), Integer.parseInt(value.substring(colon + 1)));
    }

    boolean expired(long now, long windowMs) {
      return now - start >= windowMs;
    }

    @Override
    public String toString() {
      return start + ":" + count;
    }
  }
}
