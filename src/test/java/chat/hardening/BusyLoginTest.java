package chat.hardening;

import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 503 from a full bcrypt queue checked no password, so it is no failed login: a crowd that finds the node busy
 * (a school logging in at nine) must not lock its own address out for five minutes.
 */
class BusyLoginTest {

  private static final int FAILURES_PER_ADDRESS = 150;
  private static final int CROWD = 100;
  private static final int WAVES = 3;

  @Test
  void loginsRefusedAsBusyDoNotCountAsFailures() throws Exception {
    Vertx vertx = Vertx.vertx();
    JsonObject security = TestNode.generousLimits().put("bcryptCost", 12)
      .put("loginFailuresPerAddress", FAILURES_PER_ADDRESS).put("passwordChecksAtOncePerAddress", CROWD);
    try (TestNode node = TestNode.start(TestNode.newDataDir(), new JsonObject().put("security", security))) {
      String name = Names.unique("crowd");
      assertEquals(201, Http.from(vertx, "127.0.0.40", node.port())
        .post("/api/register", Http.registration(name, Http.passwordOf(name))).status());

      // waves of a crowd behind one address: each fills the queue, most of it is told 503 and comes back
      Http school = Http.from(vertx, "127.0.0.41", node.port());
      Map<Integer, Integer> statuses = new TreeMap<>();
      for (int wave = 0; wave < WAVES; wave++) {
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < CROWD; i++) {
          answers.add(school.callAsync(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/login")
            .putHeader("Content-Type", "application/json"),
            new JsonObject().put("username", "pupil" + i).put("password", "mistyped-" + wave).encode()));
        }
        for (Future<Http.Response> answer : answers) {
          statuses.merge(answer.await(120, TimeUnit.SECONDS).status(), 1, Integer::sum);
        }
      }
      assertEquals(WAVES * CROWD, statuses.getOrDefault(401, 0) + statuses.getOrDefault(503, 0),
        "busy or wrong, never locked out: " + statuses);
      assertTrue(statuses.getOrDefault(503, 0) > FAILURES_PER_ADDRESS,
        "the queue must have been full for most of the crowd: " + statuses);
      assertTrue(statuses.getOrDefault(401, 0) < FAILURES_PER_ADDRESS, "checked wrong passwords: " + statuses);

      Http.Response login = school.post("/api/login",
        new JsonObject().put("username", name).put("password", Http.passwordOf(name)));
      assertEquals(200, login.status(), "the address is not locked out by answers it got as 503: " + login.body());
    } finally {
      vertx.close().await();
    }
  }
}
