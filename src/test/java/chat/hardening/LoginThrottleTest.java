package chat.hardening;

import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password checks and registrations as an attacker meets them: hundreds of concurrent requests spread over two
 * nodes, from one address or several (loopback addresses 127.0.0.x stand for machines), while other people log in.
 * The limits are counted across the cluster and reserved before any bcrypt runs.
 */
class LoginThrottleTest {

  private static final int PER_USER_AND_ADDRESS = 5;
  private static final int PER_ADDRESS = 20;
  private static final int LOGINS_PER_ADDRESS = 40;
  private static final int SLOWDOWN_AFTER = 10;
  private static final int REGISTRATIONS = 30;
  private static TestCluster cluster;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = new TestCluster(2, new JsonObject().put("security", new JsonObject()
      .put("loginFailuresPerUser", PER_USER_AND_ADDRESS).put("loginFailuresPerAddress", PER_ADDRESS)
      .put("loginsPerAddress", LOGINS_PER_ADDRESS).put("loginSlowdownPerUser", SLOWDOWN_AFTER)
      .put("passwordChecksAtOncePerAddress", 2)
      .put("registrationsPerAddress", REGISTRATIONS)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    cluster.close();
    vertx.close().await();
  }

  @Test
  void threeHundredConcurrentGuessesForOneNameCheckAtMostFive() {
    String victim = register("127.0.0.10", "victim");
    Map<Integer, Integer> statuses = concurrently(300, "127.0.0.11", i -> login(victim, "guess-" + i));
    int checked = statuses.getOrDefault(401, 0);
    assertTrue(checked >= 1 && checked <= PER_USER_AND_ADDRESS, "passwords checked: " + statuses);
    assertEquals(300, checked + statuses.getOrDefault(429, 0), statuses.toString());
  }

  @Test
  void aThousandConcurrentMadeUpNamesFromOneAddressCheckAtMostTheAddressLimit() {
    Map<Integer, Integer> statuses = concurrently(1000, "127.0.0.12", i -> login("nobody" + i, "guess-" + i));
    assertTrue(statuses.getOrDefault(401, 0) <= PER_ADDRESS, "passwords checked: " + statuses);
    assertEquals(1000, statuses.getOrDefault(401, 0) + statuses.getOrDefault(429, 0), statuses.toString());
  }

  @Test
  void guessesElsewhereDoNotLockTheOwnerOutOfHerOwnAddress() {
    String alice = register("127.0.0.13", "alice");
    Http attacker = client("127.0.0.14");
    for (int i = 0; i < PER_USER_AND_ADDRESS; i++) {
      assertEquals(401, call(attacker, login(alice, "guess-" + i)).status());
    }
    Http.Response locked = call(attacker, login(alice, Http.passwordOf(alice)));
    assertEquals(429, locked.status(), "the guesser is locked out, even with the right password");
    assertNotNull(locked.headers().get("Retry-After"));
    assertEquals(200, call(client("127.0.0.15"), login(alice, Http.passwordOf(alice))).status(),
      "alice, from an address that has not failed");
  }

  @Test
  void failuresFromEverywhereSlowANameDownButNeverLockIt() {
    String bob = register("127.0.0.16", "bob");
    // one guess each from more addresses than the slow-down allows
    for (int i = 0; i <= SLOWDOWN_AFTER; i++) {
      assertEquals(401, call(client("127.0.1." + (10 + i)), login(bob, "guess-" + i)).status());
    }
    long start = System.nanoTime();
    assertEquals(200, call(client("127.0.0.17"), login(bob, Http.passwordOf(bob))).status(), "never locked");
    assertTrue(System.nanoTime() - start >= Duration.ofSeconds(1).toNanos(), "but slowed down a second");
  }

  @Test
  void aStolenSessionCannotGuessTheCurrentPasswordWithoutEnd() {
    String carol = register("127.0.0.18", "carol");
    Http thief = client("127.0.0.19").logIn(carol, Http.passwordOf(carol));
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i <= PER_USER_AND_ADDRESS; i++) {
      statuses.add(thief.post("/api/profile/password", new JsonObject().put("currentPassword", "guess-" + i)
        .put("password", "a-new-password-1").put("confirmPassword", "a-new-password-1")).status());
    }
    assertEquals(List.of(400, 400, 400, 400, 400, 429), statuses);
  }

  @Test
  void rightPasswordsCountPerAddressToo() {
    String dave = register("127.0.0.20", "dave");
    Http sameAddress = client("127.0.0.21");
    for (int i = 0; i < LOGINS_PER_ADDRESS; i++) {
      assertEquals(200, call(sameAddress, login(dave, Http.passwordOf(dave))).status(), "login " + i);
    }
    assertEquals(429, call(sameAddress, login(dave, Http.passwordOf(dave))).status(), "a stolen password is no oracle");
  }

  @Test
  void threeHundredConcurrentRegistrationsFromOneAddressCreateAtMostTheLimit() {
    String prefix = Names.unique("reg");
    Map<Integer, Integer> statuses = concurrently(300, "127.0.0.22", i -> new RequestOptions()
      .setMethod(HttpMethod.POST).setURI("/api/register").putHeader("Content-Type", "application/json"),
      i -> Http.registration(prefix + i, "a-good-password").encode());
    int created = statuses.getOrDefault(201, 0);
    assertTrue(created <= REGISTRATIONS, statuses.toString());
    assertEquals(300, created + statuses.getOrDefault(429, 0), statuses.toString());
    // one at a time from the same address, the hour's budget runs out exactly
    Http sameAddress = client("127.0.0.22");
    for (int i = 0; i <= REGISTRATIONS && created <= REGISTRATIONS; i++) {
      int status = sameAddress.post("/api/register", Http.registration(prefix + "s" + i, "a-good-password")).status();
      if (status == 429) {
        break;
      }
      assertEquals(201, status);
      created++;
    }
    assertEquals(REGISTRATIONS, created);
  }

  /** A login request: options and body. */
  private record Attempt(RequestOptions options, String body) {
  }

  private static Attempt login(String username, String password) {
    return new Attempt(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/login")
      .putHeader("Content-Type", "application/json"),
      new JsonObject().put("username", username).put("password", password).encode());
  }

  private static String register(String address, String base) {
    String name = Names.unique(base);
    assertEquals(201, client(address).post("/api/register", Http.registration(name, Http.passwordOf(name))).status());
    return name;
  }

  /** A client from this loopback address, on node 1 or 2 in turn. */
  private static int next;

  private static Http client(String address) {
    return Http.from(vertx, address, cluster.node(next++ % 2).port());
  }

  private static Http.Response call(Http client, Attempt attempt) {
    return client.callWithHeaders(attempt.options().getMethod(), attempt.options().getURI(), attempt.body(),
      "application/json");
  }

  private static Map<Integer, Integer> concurrently(int count, String address,
                                                    java.util.function.IntFunction<Attempt> attempt) {
    return concurrently(count, address, i -> attempt.apply(i).options(), i -> attempt.apply(i).body());
  }

  /** Fires them all at once over both nodes, then counts the answers by status. */
  private static Map<Integer, Integer> concurrently(int count, String address,
                                                    java.util.function.IntFunction<RequestOptions> options,
                                                    java.util.function.IntFunction<String> bodies) {
    List<Http> clients = List.of(client(address), client(address));
    List<Future<Http.Response>> answers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      answers.add(clients.get(i % 2).callAsync(options.apply(i), bodies.apply(i)));
    }
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (Future<Http.Response> answer : answers) {
      try {
        statuses.merge(answer.await(60, TimeUnit.SECONDS).status(), 1, Integer::sum);
      } catch (Exception e) {
        throw new AssertionError("no answer", e);
      }
    }
    return statuses;
  }
}
