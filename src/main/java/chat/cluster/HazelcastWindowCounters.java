package chat.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Window counters shared by the cluster: a Hazelcast map whose entries are changed by entry processors, which run
 * on the member that owns the key, one at a time per key, so concurrent increments from every node are all counted
 * and each sees its own count. Each entry lives as long as its window (a TTL), and the map's size per member is
 * capped in {@link HazelcastSetup}. Vert.x's AsyncMap offers only compare-and-set, which loses updates under
 * contention; Hazelcast's IMap is reached through vertx-hazelcast's public getHazelcastInstance().
 */
final class HazelcastWindowCounters implements WindowCounters {

  /** Maps of this prefix are capped per member (see HazelcastSetup). */
  static final String MAP_PREFIX = "chat.counters.";

  private final Vertx vertx;
  private final IMap<String, long[]> map;
  private final long windowMs;

  HazelcastWindowCounters(Vertx vertx, HazelcastInstance hazelcast, String name, long windowMs) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP_PREFIX + name);
    this.windowMs = windowMs;
  }

  @Override
  public Future<Count> increment(String key) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.submitToKey(key, new Increment(windowMs, System.currentTimeMillis())), context)
      .map(window -> new Count(window[1], window[0] + windowMs));
  }

  @Override
  public Future<Void> decrement(String key) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.submitToKey(key, new Decrement(windowMs, System.currentTimeMillis())), context)
      .mapEmpty();
  }

  @Override
  public int size() {
    return map.getLocalMapStats().getOwnedEntryCount() > Integer.MAX_VALUE ? Integer.MAX_VALUE
      : (int) map.getLocalMapStats().getOwnedEntryCount();
  }

  /** {start, count}: a new window when there is none or it is over, else one more; the entry lives to its end. */
  private record Increment(long windowMs, long nowMs) implements EntryProcessor<String, long[], long[]>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public long[] process(Map.Entry<String, long[]> entry) {
      long[] old = entry.getValue();
      long[] next = old == null || nowMs - old[0] >= windowMs ? new long[] {nowMs, 1} : new long[] {old[0], old[1] + 1};
      long ttl = Math.max(1, next[0] + windowMs - nowMs);
      ((ExtendedMapEntry<String, long[]>) entry).setValue(next, ttl, TimeUnit.MILLISECONDS);
      return next;
    }
  }

  private record Decrement(long windowMs, long nowMs) implements EntryProcessor<String, long[], Void>, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public Void process(Map.Entry<String, long[]> entry) {
      long[] old = entry.getValue();
      if (old == null || nowMs - old[0] >= windowMs) {
        return null;
      }
      if (old[1] <= 1) {
        entry.setValue(null);
      } else {
        ((ExtendedMapEntry<String, long[]>) entry).setValue(new long[] {old[0], old[1] - 1},
          Math.max(1, old[0] + windowMs - nowMs), TimeUnit.MILLISECONDS);
      }
      return null;
    }
  }
}
