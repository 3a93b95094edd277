package chat.account;

import chat.bus.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.mindrot.jbcrypt.BCrypt;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bcrypt (jbcrypt) on a pool of its own with a bounded queue. A check costs a quarter of a second of CPU at cost
 * 12: on an event loop it would freeze every socket of that loop, and on Vert.x's shared worker pool a flood of
 * logins would queue minutes of work in front of everything else that pool runs. Here at most {@code threads}
 * checks run and {@code maxWaiting} wait; past that a check is refused at once with 503, never left to time out.
 */
final class PasswordHashing {

  private final WorkerExecutor pool;
  private final int maxPending;
  private final AtomicInteger pending = new AtomicInteger();

  PasswordHashing(Vertx vertx, int threads, int maxWaiting) {
    this.pool = vertx.createSharedWorkerExecutor("chat-bcrypt", threads);
    this.maxPending = threads + maxWaiting;
  }

  /** A new hash in jbcrypt's format ({@code $2a$<cost>$…}). */
  Future<String> hash(String password, int cost) {
    return run(() -> hashNow(password, cost));
  }

  /** Whether the password is the one of this stored hash. */
  Future<Boolean> matches(String password, String storedHash) {
    return run(() -> matchesNow(password, storedHash));
  }

  /** Checks, and queued ones, right now: for tests and metrics. */
  int pending() {
    return pending.get();
  }

  void close() {
    pool.close();
  }

  private <T> Future<T> run(Callable<T> work) {
    if (pending.incrementAndGet() > maxPending) {
      pending.decrementAndGet();
      return Future.failedFuture(Failure.of(Failure.UNAVAILABLE, "busy checking passwords, try again"));
    }
    return pool.executeBlocking(work, false).onComplete(done -> pending.decrementAndGet());
  }

  static String hashNow(String password, int cost) {
    requireWorkerThread();
    return BCrypt.hashpw(password, BCrypt.gensalt(cost));
  }

  static boolean matchesNow(String password, String storedHash) {
    requireWorkerThread();
    try {
      return BCrypt.checkpw(password, storedHash);
    } catch (IllegalArgumentException notABcryptHash) {
      return false;
    }
  }

  /** bcrypt refuses to run on an event loop rather than degrade quietly. */
  static void requireWorkerThread() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("bcrypt must not run on an event-loop thread");
    }
  }
}
