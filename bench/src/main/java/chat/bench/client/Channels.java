package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Makes the bench's channels over the chat's HTTP API the way people do (issue 16): the first member of each
 * group creates it ({@code POST /api/channels {name, visibility: "public"}}, 201), then every other member joins it
 * ({@code POST /api/channels/<name>/join}, 200), each with its own session on the node it logged in on. The answers
 * are checked against the contract: a status it does not allow fails the setup with the answer given
 * (instead of the sockets' registrations failing later for no visible reason); a field that differs from it (room
 * id, role) is collected for the report, since the load can still run.
 */
public final class Channels {

  /**
   * What the setup took: requests made, seconds in all, each request's time (µs), and how the answers differed from
   * the contract (the first few differences, each once).
   */
  public record Setup(int requests, double seconds, Histogram latency, List<String> contractDifferences) {
  }

  /** A channel's members as indexes into the logged-in users; the first one creates it. */
  public record Group(String name, List<Integer> members) {
  }

  private static final int MAX_RETRIES = 10;
  private static final int MAX_DIFFERENCES = 5;

  private Channels() {
  }

  /**
   * Creates every group's channel, then joins the other members to it, at most {@code parallel} requests in flight;
   * user i talks to {@code endpoints.get(i % endpoints.size())}, the node it logged in on. Fails on the first
   * answer the contract does not allow, or when it is not done in 5 minutes.
   */
  public static Setup make(Vertx vertx, List<Endpoint> endpoints, List<Accounts.User> users, List<Group> groups,
                           int parallel, IntConsumer progress) throws Exception {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(parallel));
    Histogram latency = new Histogram(3_600_000_000L, 3);
    Differences differences = new Differences();
    long t0 = System.nanoTime();
    int requests = 0;
    try {
      List<Supplier<Future<Void>>> creates = new ArrayList<>();
      List<Supplier<Future<Void>>> joins = new ArrayList<>();
      for (Group group : groups) {
        int owner = group.members().get(0);
        creates.add(() -> create(vertx, http, port(endpoints, owner), users.get(owner), group.name(), latency,
          differences));
        for (int member : group.members().subList(1, group.members().size())) {
          joins.add(() -> join(vertx, http, port(endpoints, member), users.get(member), group.name(), latency,
            differences));
        }
      }
      // every create before any join: a join of a channel not made yet would be a 404
      runAll(vertx, creates, parallel, progress, 0);
      runAll(vertx, joins, parallel, progress, creates.size());
      requests = creates.size() + joins.size();
    } finally {
      http.close();
    }
    return new Setup(requests, (System.nanoTime() - t0) / 1e9, latency, differences.list());
  }

  /**
   * {@code GET /api/channels/<name>} as the given user: the channel's details, to check what the setup made
   * (members, memberCount) against the contract.
   */
  public static JsonObject details(Vertx vertx, Endpoint endpoint, Accounts.User user, String name) throws Exception {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1"));
    try {
      return http.request(HttpMethod.GET, endpoint.port(), "127.0.0.1", "/api/channels/" + name)
        .compose(request -> request.putHeader("cookie", user.cookie()).send())
        .compose(response -> response.body().map(body -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/channels/" + name + " as " + user.name() + ": HTTP "
              + response.statusCode() + " " + body);
          }
          return body.toJsonObject();
        }))
        .await(30, TimeUnit.SECONDS);
    } finally {
      http.close();
    }
  }

  private static int port(List<Endpoint> endpoints, int user) {
    return endpoints.get(user % endpoints.size()).port();
  }

  private static Future<Void> create(Vertx vertx, HttpClient http, int port, Accounts.User user, String name,
                                     Histogram latency, Differences differences) {
    JsonObject body = new JsonObject().put("name", name).put("visibility", "public");
    return call(vertx, http, port, user, "/api/channels", body, latency, MAX_RETRIES).map(answer -> {
      if (answer.status() != 201) {
        throw unexpected("POST /api/channels " + body.encode(), user, answer, "201");
      }
      differences.check("POST /api/channels", answer, "id", "channel." + name, "role", "owner", "visibility", "public");
      return null;
    });
  }

  private static Future<Void> join(Vertx vertx, HttpClient http, int port, Accounts.User user, String name,
                                   Histogram latency, Differences differences) {
    String uri = "/api/channels/" + name + "/join";
    return call(vertx, http, port, user, uri, new JsonObject(), latency, MAX_RETRIES).map(answer -> {
      if (answer.status() != 200) {
        throw unexpected("POST " + uri, user, answer, "200");
      }
      differences.check("POST /api/channels/<name>/join", answer, "id", "channel." + name, "role", "member");
      return null;
    });
  }

  /** A status, its body, and the Retry-After header (or null). */
  private record Answer(int status, String body, String retryAfter) {
  }

  /**
   * One POST with the user's session. A 429 (the channel actions' limit per user and minute) is waited out as its
   * Retry-After says and asked again, at most {@code attemptsLeft} times; the bench makes one action per user, so
   * a 429 means the limit counts something else too.
   */
  private static Future<Answer> call(Vertx vertx, HttpClient http, int port, Accounts.User user, String uri,
                                     JsonObject body, Histogram latency, int attemptsLeft) {
    long started = System.nanoTime();
    return http.request(HttpMethod.POST, port, "127.0.0.1", uri)
      .compose(request -> request.putHeader("content-type", "application/json").putHeader("cookie", user.cookie())
        .send(body.toBuffer())
        .compose(response -> response.body().map(text -> {
          synchronized (latency) {
            latency.recordValue(Math.max(0, (System.nanoTime() - started) / 1000));
          }
          return new Answer(response.statusCode(), text.toString(), response.getHeader("Retry-After"));
        })))
      .compose(answer -> {
        if (answer.status() != 429 || attemptsLeft <= 1) {
          return Future.succeededFuture(answer);
        }
        String retryAfter = answer.retryAfter();
        long seconds = retryAfter != null && retryAfter.matches("\\d{1,3}") ? Math.max(1, Integer.parseInt(retryAfter))
          : 1;
        Promise<Answer> later = Promise.promise();
        vertx.setTimer(seconds * 1000, id -> call(vertx, http, port, user, uri, body, latency, attemptsLeft - 1)
          .onComplete(later));
        return later.future();
      });
  }

  /** Fields of the answers that differ from the contract, each kind of difference once, the first few only. */
  private static final class Differences {
    private final List<String> seen = new ArrayList<>();

    /** The answer's body against field, value, field, value, ... */
    void check(String what, Answer answer, String... fieldsAndValues) {
      JsonObject body;
      try {
        body = new JsonObject(answer.body());
      } catch (RuntimeException e) {
        add(what + ": the answer is not a JSON object");
        return;
      }
      for (int i = 0; i < fieldsAndValues.length; i += 2) {
        Object actual = body.getValue(fieldsAndValues[i]);
        if (!fieldsAndValues[i + 1].equals(actual)) {
          add(what + ": \"" + fieldsAndValues[i] + "\" is " + (actual == null ? "missing" : actual instanceof String
            ? "\"" + actual + "\"" : actual) + ", the contract says \"" + fieldsAndValues[i + 1] + "\"");
        }
      }
    }

    synchronized void add(String difference) {
      if (seen.size() < MAX_DIFFERENCES && !seen.contains(difference)) {
        seen.add(difference);
      }
    }

    synchronized List<String> list() {
      return List.copyOf(seen);
    }
  }

  private static IllegalStateException unexpected(String what, Accounts.User user, Answer answer, String wanted) {
    return new IllegalStateException(what + " as " + user.name() + ": HTTP " + answer.status() + " (contract: "
      + wanted + ") " + answer.body());
  }

  /** Runs the calls with at most {@code parallel} in flight; fails with the first failure, or after 5 minutes. */
  private static void runAll(Vertx vertx, List<Supplier<Future<Void>>> calls, int parallel, IntConsumer progress,
                             int doneBefore) throws Exception {
    Deque<Supplier<Future<Void>>> waiting = new ArrayDeque<>(calls);
    AtomicInteger done = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    Object lock = new Object();
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      Supplier<Future<Void>> call;
      synchronized (lock) {
        call = waiting.poll();
      }
      if (call == null) {
        return;
      }
      call.get().onComplete(result -> {
        if (result.failed()) {
          all.tryFail(result.cause());
        } else if (done.incrementAndGet() == calls.size()) {
          all.tryComplete();
        } else if (!all.future().isComplete()) {
          next[0].run();
        }
      });
    };
    if (calls.isEmpty()) {
      all.complete();
    }
    for (int k = 0; k < Math.min(parallel, calls.size()); k++) {
      vertx.runOnContext(v -> next[0].run());
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!all.future().isComplete() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      progress.accept(doneBefore + done.get());
    }
    if (!all.future().isComplete()) {
      throw new IllegalStateException("channel setup: " + done.get() + " of " + calls.size() + " requests done in 5"
        + " minutes");
    }
    if (all.future().failed()) {
      throw new IllegalStateException("channel setup: " + all.future().cause().getMessage(), all.future().cause());
    }
  }
}
