package chat.bridge;

import chat.bus.Addresses;
import chat.bus.HistoryQuery;
import chat.config.ChatConfig;
import io.vertx.core.json.JsonObject;

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
  /** Requests refused as not logged in, per client address: a made-up or dead session cookie, again and again. */
  private final Map<String, Bucket> refusals = new ConcurrentHashMap<>();
  static final int REFUSALS_BURST = 20;
  static final int REFUSALS_PER_SECOND = 10;

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
    return tryFrame(userKey, 1);
  }

  /** Takes a frame that costs this many from this user's budget (a page of history costs more than a mark). */
  boolean tryFrame(String userKey, int cost) {
    return take(budgets, userKey, cost, limits.requestBurst(), limits.requestsPerSecond());
  }

  /**
   * Counts a request refused as not logged in from this address; false past {@value REFUSALS_BURST} at once and
   * {@value REFUSALS_PER_SECOND} a second: a page whose session ended asks a few times, a flood of made-up session
   * cookies is answered slowly (see HttpVerticle).
   */
  public boolean tryRefusal(String address) {
    return take(refusals, address, 1, REFUSALS_BURST, REFUSALS_PER_SECOND);
  }

  private boolean take(Map<String, Bucket> buckets, String key, int cost, int burst, int perSecond) {
    long now = clockNanos.getAsLong();
    boolean[] taken = new boolean[1];
    buckets.compute(key, (k, old) -> {
      double tokens = old == null ? burst
        : Math.min(burst, old.tokens() + (now - old.updatedNanos()) / 1e9 * perSecond);
      taken[0] = tokens >= cost;
      return new Bucket(taken[0] ? tokens - cost : tokens, now);
    });
    return taken[0];
  }

  /**
   * What a request costs of its user's budget: a history page 1 plus 1 per 10 messages asked for (the default page
   * of 50 costs 6, the largest of 100 costs 11), anything else 1. A page of history is the dearest request there is:
   * a query, and a reply of up to 100 messages to encode and write.
   */
  static int cost(Object address, JsonObject body) {
    if (!Addresses.HISTORY.equals(address)) {
      return 1;
    }
    Object limit = body == null ? null : body.getValue("limit");
    int messages = limit instanceof Integer n && n > 0 && n <= HistoryQuery.MAX_LIMIT ? n : HistoryQuery.DEFAULT_LIMIT;
    return 1 + messages / 10;
  }

  /** Full buckets say nothing: dropped, so an idle user (or a made-up one) costs no memory. Run every minute. */
  public void forgetIdle() {
    long now = clockNanos.getAsLong();
    budgets.entrySet().removeIf(entry -> entry.getValue().tokens()
      + (now - entry.getValue().updatedNanos()) / 1e9 * limits.requestsPerSecond() >= limits.requestBurst());
    refusals.entrySet().removeIf(entry -> entry.getValue().tokens()
      + (now - entry.getValue().updatedNanos()) / 1e9 * REFUSALS_PER_SECOND >= REFUSALS_BURST);
  }

  int budgetsKept() {
    return budgets.size() + refusals.size();
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
