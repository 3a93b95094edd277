package chat.room;

import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per user: {@code burst} messages at once, then {@code perSecond} sustained. Each user's bucket
 * lives on one node (see {@link ClusterSendLimit}). Used from one event loop only.
 */
final class SendLimiter {

  private record Bucket(double tokens, long updatedNanos) {
  }

  private final double perSecond;
  private final int burst;
  private final Map<String, Bucket> buckets = new HashMap<>();

  SendLimiter(int perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  /** Takes one token for this user; false when the bucket is empty. */
  boolean tryAcquire(String userKey, long nowNanos) {
    Bucket bucket = refilled(buckets.get(userKey), nowNanos);
    if (bucket.tokens() < 1) {
      buckets.put(userKey, bucket);
      return false;
    }
    buckets.put(userKey, new Bucket(bucket.tokens() - 1, nowNanos));
    return true;
  }

  /** Full buckets carry no information: drop them so idle users cost nothing. */
  void forgetIdle(long nowNanos) {
    buckets.entrySet().removeIf(entry -> refilled(entry.getValue(), nowNanos).tokens() >= burst);
  }

  private Bucket refilled(Bucket bucket, long nowNanos) {
    if (bucket == null) {
      return new Bucket(burst, nowNanos);
    }
    double earned = (nowNanos - bucket.updatedNanos()) / 1e9 * perSecond;
    return new Bucket(Math.min(burst, bucket.tokens() + earned), nowNanos);
  }
}
