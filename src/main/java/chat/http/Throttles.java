package chat.http;

import chat.bus.Failure;
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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Supplier;

/**
 * The limits on password checks (login, password change) and registrations, counted across the cluster and
 * reserved before any bcrypt runs: every attempt is counted as a failure first, atomically (so a thousand
 * concurrent guesses cannot all pass on a count of zero), and a check that succeeds, or that never ran (503), gives
 * its failures back.
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

  private static final Logger LOG = LoggerFactory.getLogger(Throttles.class);

  static final long LOGIN_WINDOW_MS = 5 * 60_000;
  static final long REGISTRATION_WINDOW_MS = 60 * 60_000;
  static final long SLOWDOWN_MS = 1000;
  static final long REFUSAL_DELAY_MS = 1000;
  static final long TOKEN_WINDOW_MS = 60_000;

  private final Vertx vertx;
  private final ChatConfig.Security limits;
  private final WindowCounters failuresByUserAtAddress;
  private final WindowCounters failuresByAddress;
  private final WindowCounters attemptsByAddress;
  private final WindowCounters failuresByUser;
  private final WindowCounters registrationsByAddress;
  private final WindowCounters tokenFailures;
  private final int tokenFailuresPerMinute;
  private final InFlight inFlight;
  private final Refused refused;

  Throttles(Vertx vertx, SharedCounters counters, ChatConfig.Security limits, ChatConfig.Bots bots) {
    this.vertx = vertx;
    this.inFlight = new InFlight(vertx, limits.passwordChecksAtOncePerAddress());
    this.refused = new Refused(vertx);
    this.limits = limits;
    this.failuresByUserAtAddress = counters.windows("login-failures-user-address", LOGIN_WINDOW_MS);
    this.failuresByAddress = counters.windows("login-failures-address", LOGIN_WINDOW_MS);
    this.attemptsByAddress = counters.windows("login-attempts-address", LOGIN_WINDOW_MS);
    this.failuresByUser = counters.windows("login-failures-user", LOGIN_WINDOW_MS);
    this.registrationsByAddress = counters.windows("registrations-address", REGISTRATION_WINDOW_MS);
    this.tokenFailures = counters.windows("bot-token-failures", TOKEN_WINDOW_MS);
    this.tokenFailuresPerMinute = bots.tokenFailuresPerMinute();
  }

  /**
   * Runs a password check (a login, or a password change's current password) of this username (as typed; an
   * invalid one counts for the address only) from this address, if the limits let it: fails with {@link Throttled}
   * otherwise, after the slow-down when one applies. A check that succeeds gives its failures back.
   */
  <T> Future<T> passwordCheck(String username, String address, Supplier<Future<T>> check) {
    String userKey = username != null && RoomId.USERNAME.matcher(username).matches() ? RoomId.key(username) : null;
    String addressKey = CounterKey.of(address);
    String userAtAddressKey = userKey == null ? null : CounterKey.of(userKey, address);
    long now = System.currentTimeMillis();
    long known = Math.max(refused.secondsLeft("login " + addressKey, now),
      userAtAddressKey == null ? 0 : refused.secondsLeft("login " + userAtAddressKey, now));
    if (known > 0) {
      return Future.failedFuture(new Throttled(known));
    }
    if (!inFlight.tryEnter(address)) {
      return Future.failedFuture(new Throttled(1));
    }
    Reserved byAddress = new Reserved(failuresByAddress, addressKey, limits.loginFailuresPerAddress());
    List<Reserved> failures = userKey == null ? List.of(byAddress)
      : List.of(byAddress, new Reserved(failuresByUserAtAddress, userAtAddressKey, limits.loginFailuresPerUser()),
        new Reserved(failuresByUser, CounterKey.of(userKey), Long.MAX_VALUE));
    Future<WindowCounters.Count> attempts = attemptsByAddress.increment(addressKey);
    List<Future<WindowCounters.Count>> counted = failures.stream().map(f -> f.counters.increment(f.key)).toList();
    return Future.all(attempts, Future.all(counted))
      .compose(all -> {
        long checkedAt = System.currentTimeMillis();
        // the address's own limits, then the username's from this address
        WindowCounters.Count addressOver = over(attempts.result(), limits.loginsPerAddress(),
          over(counted.get(0).result(), limits.loginFailuresPerAddress(), null));
        WindowCounters.Count userOver = userKey == null ? null
          : over(counted.get(1).result(), limits.loginFailuresPerUser(), null);
        if (addressOver != null || userOver != null) {
          // nothing was checked: the failures were not made, only the attempt; until its window ends, this node
          // refuses that address (or name there) without asking the cluster, however fast it comes back
          failures.forEach(Reserved::giveBack);
          if (addressOver != null) {
            refused.until("login " + addressKey, addressOver.resetsAtMs());
          }
          if (userOver != null) {
            refused.until("login " + userAtAddressKey, userOver.resetsAtMs());
          }
          // one line when a limit is reached, not one per refusal that follows (a flood would write thousands a
          // second; the refusals are counted in chat_logins_total)
          LOG.warn("login limit reached for {} from {}: refused for the next {} s",
            userOver != null ? username : "any name", address, Math.max(addressOver == null ? 0
              : addressOver.retryAfterSeconds(checkedAt), userOver == null ? 0 : userOver.retryAfterSeconds(checkedAt)));
          long wait = Math.max(addressOver == null ? 0 : addressOver.retryAfterSeconds(checkedAt),
            userOver == null ? 0 : userOver.retryAfterSeconds(checkedAt));
          return Future.<T>failedFuture(new Throttled(wait));
        }
        boolean slowDown = userKey != null && counted.get(2).result().count() > limits.loginSlowdownPerUser();
        return (slowDown ? after(SLOWDOWN_MS) : Future.<Void>succeededFuture())
          .compose(go -> check.get())
          .onComplete(checked -> {
            // a right password, or no check at all (a full bcrypt queue's 503, a database away): only a wrong
            // password is a failure, or a busy node would lock out the crowd it told to come back
            if (checked.succeeded() || Failure.code(checked.cause()) >= Failure.INTERNAL) {
              failures.forEach(Reserved::giveBack);
            }
          });
      })
      .onComplete(done -> inFlight.leave(address));
  }

  /** Runs a registration (a new password hash) from this address if the hourly limit lets it. */
  <T> Future<T> registration(String address, Supplier<Future<T>> register) {
    String key = "register " + CounterKey.of(address);
    long known = refused.secondsLeft(key, System.currentTimeMillis());
    if (known > 0) {
      return Future.failedFuture(new Throttled(known));
    }
    if (!inFlight.tryEnter(address)) {
      return Future.failedFuture(new Throttled(1));
    }
    return registrationsByAddress.increment(CounterKey.of(address))
      .compose(count -> {
        if (count.count() > limits.registrationsPerAddress()) {
          refused.until(key, count.resetsAtMs());
          return Future.<T>failedFuture(new Throttled(count.retryAfterSeconds(System.currentTimeMillis())));
        }
        return register.get();
      })
      .onComplete(done -> inFlight.leave(address));
  }

  /**
   * Looks a bot's token up from this address, unless the address, or the token from anywhere, has failed
   * {@code bots.tokenFailuresPerMinute} times this minute: then 429 for the rest of it, and this node answers
   * that address or token from memory. Counted as failures first, like a password check, so a thousand
   * concurrent guesses cannot all pass on a count of zero; a token that works, or a check that never ran (a 503),
   * gives them back.
   */
  <T> Future<T> tokenCheck(String address, String token, Supplier<Future<T>> check) {
    List<String> keys = List.of("token address " + CounterKey.of(address), "token " + CounterKey.of(token));
    long now = System.currentTimeMillis();
    long known = keys.stream().mapToLong(key -> refused.secondsLeft(key, now)).max().orElse(0);
    if (known > 0) {
      return Future.failedFuture(new Throttled(known));
    }
    List<Reserved> failures = keys.stream().map(key -> new Reserved(tokenFailures, key, tokenFailuresPerMinute)).toList();
    List<Future<WindowCounters.Count>> counted = failures.stream().map(f -> f.counters.increment(f.key)).toList();
    return Future.all(counted).compose(all -> {
      WindowCounters.Count over = null;
      for (int i = 0; i < keys.size(); i++) {
        WindowCounters.Count count = counted.get(i).result();
        if (count.count() > tokenFailuresPerMinute) {
          refused.until(keys.get(i), count.resetsAtMs());
          over = over == null || count.resetsAtMs() > over.resetsAtMs() ? count : over;
        }
      }
      if (over != null) {
        failures.forEach(Reserved::giveBack);
        long wait = over.retryAfterSeconds(System.currentTimeMillis());
        LOG.warn("bot token limit reached from {}: refused for the next {} s", address, wait);
        return Future.<T>failedFuture(new Throttled(wait));
      }
      return check.get().onComplete(checked -> {
        if (checked.succeeded() || Failure.code(checked.cause()) >= Failure.INTERNAL) {
          failures.forEach(Reserved::giveBack);
        }
      });
    });
  }

  /** The count when it is over its limit, else {@code otherwise}. */
  private static WindowCounters.Count over(WindowCounters.Count count, long limit, WindowCounters.Count otherwise) {
    return count.count() > limit ? count : otherwise;
  }

  private Future<Void> after(long delayMs) {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(delayMs, id -> later.complete());
    return later.future();
  }

  private record Reserved(WindowCounters counters, String key, long limit) {
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

  /**
   * Keys this node has seen over their limit, and until when (their window's end), shared by the node's HTTP
   * verticles: a flood from a refused address is answered from here, not with a cluster round trip per request.
   * Expired entries go every minute.
   */
  static final class Refused {
    private final LocalMap<String, Long> until;

    Refused(Vertx vertx) {
      this.until = vertx.sharedData().getLocalMap("chat.throttle-refused-until");
      vertx.setPeriodic(60_000, id -> {
        long now = System.currentTimeMillis();
        until.keySet().stream().filter(key -> secondsLeft(key, now) == 0).toList().forEach(until::remove);
      });
    }

    long secondsLeft(String key, long nowMs) {
      Long end = until.get(key);
      return end == null || end <= nowMs ? 0 : Math.max(1, (end - nowMs + 999) / 1000);
    }

    void until(String key, long endMs) {
      until.merge(key, endMs, Math::max);
    }
  }

  /** Too many attempts: 429 with the seconds to wait. */
  static final class Throttled extends RuntimeException {
    private final long retryAfterSeconds;

    Throttled(long retryAfterSeconds) {
      super("too many attempts", null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * Answered after a second: a client that keeps asking waits for each refusal, so a flood slows down to what its
     * connections carry instead of the server answering thousands a second (a timer costs next to nothing).
     */
    void answer(RoutingContext ctx) {
      ctx.vertx().setTimer(REFUSAL_DELAY_MS, id -> {
        if (!ctx.response().ended() && !ctx.response().closed()) {
          ctx.response().putHeader("Retry-After", String.valueOf(retryAfterSeconds));
          Replies.error(ctx, 429, "too many attempts, try again in " + retryAfterSeconds + " s");
        }
      });
    }
  }
}
