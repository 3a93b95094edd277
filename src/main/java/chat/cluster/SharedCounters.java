package chat.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's window counters by name, one instance each for all of the node's verticles: kept in the Hazelcast
 * cluster when the node is clustered (every node sees the same counts), else in this JVM.
 */
public final class SharedCounters {

  /** Keys one local counter keeps at most; a Hazelcast one per member (HazelcastSetup). */
  static final int MAX_KEYS = 100_000;

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final Map<String, WindowCounters> byName = new ConcurrentHashMap<>();

  private SharedCounters(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
  }

  public static SharedCounters local(Vertx vertx) {
    return new SharedCounters(vertx, null);
  }

  public static SharedCounters clustered(Vertx vertx, HazelcastInstance hazelcast) {
    return new SharedCounters(vertx, hazelcast);
  }

  /** The counters of this name; every caller of a name must use the same window. */
  public WindowCounters windows(String name, long windowMs) {
    return byName.computeIfAbsent(name, n -> {
      if (hazelcast != null) {
        return new HazelcastWindowCounters(vertx, hazelcast, n, windowMs);
      }
      LocalWindowCounters local = new LocalWindowCounters(windowMs, MAX_KEYS, System::currentTimeMillis);
      vertx.setPeriodic(Math.max(1000, windowMs / 4), id -> local.sweep());
      return local;
    });
  }
}
