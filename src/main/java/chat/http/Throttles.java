package chat.http;

import chat.bus.RoomId;
import chat.cluster.CounterKey;
import chat.cluster.SharedCounters;
import chat.cluster.WindowCounters;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.function.Supplier;

/**
 * The limits on password checks (login, password change) and registrations, counted across the cluster and
 * reserved before any bcrypt runs: every attempt is counted as a failure first, atomically (so a thousand
 * concurrent guesses cannot all pass on a count of zero), and a check that succeeds gives its failures back.
 * <ul>
 * <li>a username from one address: {@code loginFailuresPerUser} failures, then 429 for the rest of the window:
 *     a guesser elsewhere cannot lock the owner out of her own address;</li>
 * <li>an address: {@code loginFailuresPerAddress} failures, and {@code loginsPerAddress} attempts, right or
 *     wrong (a stolen password cannot be checked without end either);</li>
 * <li>a username from anywhere: past {@code loginSlowdownPerUser} failures every attempt waits a second first,
 *     never refused, so nobody can lock another person out by guessing from many places.</li>
 * </ul>
 * And at most {@code passwordChecksAtOncePerAddress} checks of one address at a time per node, so that one address cannot
 * fill the bcrypt queue in front of everyone else's logins. Keys are fixed-size digests ({@link CounterKey}); the
 * counts expire with their windows.
 */
final class Throttles {

  static final long LOGIN_WINDOW_MS = 5 * 60_000;
  static final long REGISTRATION_WINDOW_MS = 60 * 60_000;
  static final long SLOWDOWN_MS = 1000;

  private final Vertx vertx;
  private final ChatConfig.Security limits;
  private final WindowCounters failuresByUserAtAddress;
  private final WindowCounters failuresByAddress;
  private final WindowCounters attemptsByAddress;
  private final WindowCounters failuresByUser;
  private final WindowCounters registrationsByAddress;
  private final InFlight inFlight;

  Throttles(Vertx vertx, SharedCounters counters, ChatConfig.Security limits) {
    this.vertx = vertx;
    this.inFlight = new InFlight(vertx, limits.passwordChecksAtOncePerAddress());
    this.limits = limits;
    this.failuresByUserAtAddress = counters.windows("login-failures-user-address", LOGIN_WINDOW_MS);
    this.failuresByAddress = counters.windows("login-failures-address", LOGIN_WINDOW_MS);
    this.attemptsByAddress = counters.windows("login-attempts-address", LOGIN_WINDOW_MS);
    this.failuresByUser = counters.windows("login-failures-user", LOGIN_WINDOW_MS);
    this.registrationsByAddress = counters.windows("registrations-address", REGISTRATION_WINDOW_MS);
  }

  /**
   * Runs a password check (a login, or a password change's current password) of this username (as typed; an
   * invalid one counts for the address only) from this address, if the limits let it: fails with {@link Throttled}
   * otherwise, after the slow-down when one applies. A check that succeeds gives its failures back.
   */
  <T> Future<T> passwordCheck(String username, String address, Supplier<Future<T>> check) {
    if (!inFlight.tryEnter(address)) {
      return Future.failedFuture(new Throttled(1));
    }
    String userKey = username != null && RoomId.USERNAME.matcher(username).matches() ? RoomId.key(username) : null;
    String addressKey = CounterKey.of(address);
    List<Failure> failures = userKey == null
      ? List.of(new Failure(failuresByAddress, addressKey, limits.loginFailuresPerAddress()))
      : List.of(new Failure(failuresByAddress, addressKey, limits.loginFailuresPerAddress()),
        new Failure(failuresByUserAtAddress, CounterKey.of(userKey, address), limits.loginFailuresPerUser()),
        new Failure(failuresByUser, CounterKey.of(userKey), Long.MAX_VALUE));
    Future<WindowCounters.Count> attempts = attemptsByAddress.increment(addressKey);
    List<Future<WindowCounters.Count>> counted = failures.stream().map(f -> f.counters.increment(f.key)).toList();
    return Future.all(attempts, Future.all(counted))
      .compose(all -> {
        long now = System.currentTimeMillis();
        long wait = refusal(attempts.result(), limits.loginsPerAddress(), now);
        for (int i = 0; i < failures.size(); i++) {
          wait = Math.max(wait, refusal(counted.get(i).result(), failures.get(i).limit, now));
        }
        if (wait > 0) {
          // nothing was checked: the failures were not made, only the attempt
          failures.forEach(Failure::giveBack);
          return Future.<T>failedFuture(new Throttled(wait));
        }
        boolean slowDown = userKey != null && counted.get(2).result().count() > limits.loginSlowdownPerUser();
        return (slowDown ? after(SLOWDOWN_MS) : Future.<Void>succeededFuture())
          .compose(go -> check.get())
          .onSuccess(ok -> failures.forEach(Failure::giveBack));
      })
      .onComplete(done -> inFlight.leave(address));
  }

  /** Runs a registration (a new password hash) from this address if the hourly limit lets it. */
  <T> Future<T> registration(String address, Supplier<Future<T>> register) {
    if (!inFlight.tryEnter(address)) {
      return Future.failedFuture(new Throttled(1));
    }
    return registrationsByAddress.increment(CounterKey.of(address))
      .compose(count -> {
        long wait = refusal(count, limits.registrationsPerAddress(), System.currentTimeMillis());
        return wait > 0 ? Future.<T>failedFuture(new Throttled(wait)) : register.get();
      })
      .onComplete(done -> inFlight.leave(address));
  }

  /** Seconds to wait when this count is over its limit, else 0. */
  private static long refusal(WindowCounters.Count count, long limit, long nowMs) {
    return count.count() > limit ? count.retryAfterSeconds(nowMs) : 0;
  }

  private Future<Void> after(long delayMs) {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(delayMs, id -> later.complete());
    return later.future();
  }

  private record Failure(WindowCounters counters, String key, long limit) {
    void giveBack() {
      counters.decrement(key);
    }
  }

  /**
   * Password checks under way per client address on this node: a local map, which the node's HTTP verticles (one
   * per event loop) share.
   */
  static final class InFlight {
    private final LocalMap<String, Integer> byAddress;
    private final int perAddress;

    InFlight(Vertx vertx, int perAddress) {
      this.byAddress = vertx.sharedData().getLocalMap("chat.password-checks-in-flight");
      this.perAddress = perAddress;
    }

    boolean tryEnter(String address) {
      boolean[] entered = new boolean[1];
      byAddress.compute(address, (a, n) -> {
        int now = n == null ? 0 : n;
        entered[0] = now < perAddress;
        return entered[0] ? now + 1 : now;
      });
      return entered[0];
    }

    void leave(String address) {
      byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** Too many attempts: 429 with the seconds to wait. */
  static final class Throttled extends RuntimeException {
    private final long retryAfterSeconds;

    Throttled(long retryAfterSeconds) {
      super("too many attempts", null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    void answer(RoutingContext ctx) {
      ctx.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
      Replies.error(ctx, 429, "too many attempts, try again in " + retryAfterSeconds + " s");
    }
  }
}
