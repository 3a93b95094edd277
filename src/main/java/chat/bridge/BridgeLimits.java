package chat.bridge;

import chat.config.ChatConfig;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What one user or one address may take of a node's bridge, shared by all the node's bridges (one per event loop):
 * open sockets per user and per client address, and a budget of frames per user (every request, fire-and-forget
 * or not, and every register and unregister), a token bucket of {@code requestBurst} refilled at
 * {@code requestsPerSecond}. Per node: a user's sockets on other nodes have those nodes' budgets, and the send
 * rate proper is counted cluster-wide by the room verticle.
 */
public final class BridgeLimits {

  /** Requests a socket may have unanswered at once; the bridge answers the next one "max_handlers_reached". */
  static final int MAX_IN_FLIGHT_PER_SOCKET = 16;

  private record Bucket(double tokens, long updatedNanos) {
  }

  private final ChatConfig.Security limits;
  private final LongSupplier clockNanos;
  private final Map<String, Integer> socketsByUser = new ConcurrentHashMap<>();
  private final Map<String, Integer> socketsByAddress = new ConcurrentHashMap<>();
  private final Map<String, Bucket> budgets = new ConcurrentHashMap<>();

  public BridgeLimits(ChatConfig.Security limits) {
    this(limits, System::nanoTime);
  }

  BridgeLimits(ChatConfig.Security limits, LongSupplier clockNanos) {
    this.limits = limits;
    this.clockNanos = clockNanos;
  }

  /** Counts a new socket of this user from this address, unless either is at its limit (then nothing counts). */
  boolean openSocket(String userKey, String address) {
    if (!take(socketsByUser, userKey, limits.socketsPerUser())) {
      return false;
    }
    if (!take(socketsByAddress, address, limits.socketsPerAddress())) {
      give(socketsByUser, userKey);
      return false;
    }
    return true;
  }

  void socketClosed(String userKey, String address) {
    give(socketsByUser, userKey);
    give(socketsByAddress, address);
  }

  /** Takes one frame from this user's budget; false when it is spent. */
  boolean tryFrame(String userKey) {
    long now = clockNanos.getAsLong();
    boolean[] taken = new boolean[1];
    budgets.compute(userKey, (key, old) -> {
      double tokens = old == null ? limits.requestBurst()
        : Math.min(limits.requestBurst(), old.tokens() + (now - old.updatedNanos()) / 1e9 * limits.requestsPerSecond());
      taken[0] = tokens >= 1;
      return new Bucket(taken[0] ? tokens - 1 : tokens, now);
    });
    return taken[0];
  }

  /** Full buckets say nothing: dropped, so an idle user (or a made-up one) costs no memory. Run every minute. */
  public void forgetIdle() {
    long now = clockNanos.getAsLong();
    budgets.entrySet().removeIf(entry -> entry.getValue().tokens()
      + (now - entry.getValue().updatedNanos()) / 1e9 * limits.requestsPerSecond() >= limits.requestBurst());
  }

  int budgetsKept() {
    return budgets.size();
  }

  private static boolean take(Map<String, Integer> counts, String key, int limit) {
    boolean[] taken = new boolean[1];
    counts.compute(key, (k, n) -> {
      int now = n == null ? 0 : n;
      taken[0] = now < limit;
      return taken[0] ? now + 1 : (now == 0 ? null : now);
    });
    return taken[0];
  }

  private static void give(Map<String, Integer> counts, String key) {
    counts.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
  }
}
