package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Creates the bench users over the chat's HTTP API and logs each one in on the node its socket will use:
 * {@code POST /api/register} (201, or 409 when it already exists) then {@code POST /api/login}, keeping the
 * {@code chat.session} cookie.
 */
public final class Accounts {

  public static final String PASSWORD = "bench-Pa55word-x";

  /** A logged-in user: its name and the cookie header value for its socket. */
  public record User(String name, String cookie) {
  }

  private Accounts() {
  }

  public static String name(int i) {
    return String.format("u%05d", i);
  }

  /**
   * Users 0..count-1, user i logged in on {@code endpoints.get(i % endpoints.size())}; at most {@code parallel}
   * requests in flight. Prints progress through {@code progress} (users done so far). The endpoints are all plain
   * or all TLS (the nodes themselves, or the proxy in front of them).
   */
  public static List<User> logIn(Vertx vertx, List<Endpoint> endpoints, int count, int parallel, IntConsumer progress)
    throws Exception {
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true);
    if (endpoints.get(0).tls()) {
      options.setSsl(true).setTrustOptions(endpoints.get(0).trust()).setVerifyHost(true);
    }
    HttpClient http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(parallel));
    User[] users = new User[count];
    Deque<Integer> waiting = new ArrayDeque<>();
    for (int i = 0; i < count; i++) {
      waiting.add(i);
    }
    AtomicInteger done = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    List<Throwable> failures = new ArrayList<>();
    Runnable[] next = new Runnable[1];
    Object lock = new Object();
    next[0] = () -> {
      Integer i;
      synchronized (lock) {
        i = waiting.poll();
      }
      if (i == null) {
        return;
      }
      int port = endpoints.get(i % endpoints.size()).port();
      one(vertx, http, port, name(i)).onComplete(result -> {
        if (result.succeeded()) {
          users[i] = new User(name(i), result.result());
        } else {
          synchronized (failures) {
            failures.add(result.cause());
          }
        }
        if (done.incrementAndGet() == count) {
          all.tryComplete();
        } else {
          next[0].run();
        }
      });
    };
    if (count == 0) {
      all.complete();
    }
    for (int k = 0; k < Math.min(parallel, count); k++) {
      vertx.runOnContext(v -> next[0].run());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!all.future().isComplete() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      progress.accept(done.get());
    }
    http.close();
    if (!failures.isEmpty() || !all.future().isComplete()) {
      throw new IllegalStateException(failures.size() + " of " + count + " users could not log in"
        + (failures.isEmpty() ? " in time" : ": " + failures.get(0).getMessage()));
    }
    return List.of(users);
  }

  /**
   * Registers and logs in one user. A node whose password hashing is busy answers 503 with Retry-After at once
   * (issue 14: it never queues minutes of bcrypt); like a browser, the bench then waits as told and asks again.
   */
  private static Future<String> one(Vertx vertx, HttpClient http, int port, String name) {
    JsonObject registration = new JsonObject().put("username", name).put("email", name + "@bench.example.com")
      .put("password", PASSWORD).put("confirmPassword", PASSWORD);
    return whenNotBusy(vertx, MAX_BUSY_ANSWERS, () -> post(http, port, "/api/register", registration)
      .compose(status -> status == 201 || status == 409 ? Future.succeededFuture()
        : Future.failedFuture(status == 503 ? new Busy(1) : new IllegalStateException("register " + name + ": HTTP " + status))))
      .compose(v -> whenNotBusy(vertx, MAX_BUSY_ANSWERS, () -> logIn(http, port, name)));
  }

  private static final int MAX_BUSY_ANSWERS = 30;

  /** A 503 from a busy node, with the seconds it asked us to wait. */
  private static final class Busy extends RuntimeException {
    final int retryAfterSeconds;

    Busy(int retryAfterSeconds) {
      super("busy, retry after " + retryAfterSeconds + " s", null, false, false);
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  private static <T> Future<T> whenNotBusy(Vertx vertx, int attemptsLeft, java.util.function.Supplier<Future<T>> call) {
    return call.get().recover(err -> {
      if (!(err instanceof Busy busy) || attemptsLeft <= 1) {
        return Future.failedFuture(err);
      }
      Promise<T> later = Promise.promise();
      vertx.setTimer(Math.max(1, busy.retryAfterSeconds) * 1000L,
        id -> whenNotBusy(vertx, attemptsLeft - 1, call).onComplete(later));
      return later.future();
    });
  }

  private static Future<String> logIn(HttpClient http, int port, String name) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", "/api/login")
      .compose(request -> request.putHeader("content-type", "application/json")
        .send(new JsonObject().put("username", name).put("password", PASSWORD).toBuffer()))
      .compose(response -> response.body().map(body -> {
        if (response.statusCode() == 503) {
          String retryAfter = response.getHeader("Retry-After");
          throw new Busy(retryAfter == null || !retryAfter.matches("\\d{1,3}") ? 1 : Integer.parseInt(retryAfter));
        }
        if (response.statusCode() != 200) {
          throw new IllegalStateException("login " + name + ": HTTP " + response.statusCode() + " " + body);
        }
        for (String cookie : response.cookies()) {
          if (cookie.startsWith("chat.session=")) {
            int end = cookie.indexOf(';');
            return end < 0 ? cookie : cookie.substring(0, end);
          }
        }
        throw new IllegalStateException("login " + name + ": no chat.session cookie");
      }));
  }

  private static Future<Integer> post(HttpClient http, int port, String uri, JsonObject body) {
    return http.request(HttpMethod.POST, port, "127.0.0.1", uri)
      .compose(request -> request.putHeader("content-type", "application/json").send(body.toBuffer()))
      .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

}
