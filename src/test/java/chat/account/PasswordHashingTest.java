package chat.account;

import chat.bus.Failure;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHashingTest {

  private static final String STORED = BCrypt.hashpw("correct horse", BCrypt.gensalt(4));
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void checksAndHashesOffTheEventLoopsWithTheConfiguredCost() throws Exception {
    PasswordHashing hashing = new PasswordHashing(vertx, 1, 4);
    assertTrue(hashing.matches("correct horse", STORED).await(10, TimeUnit.SECONDS));
    assertFalse(hashing.matches("wrong horse", STORED).await(10, TimeUnit.SECONDS));
    assertFalse(hashing.matches("correct horse", "not a bcrypt hash").await(10, TimeUnit.SECONDS));
    assertTrue(hashing.hash("correct horse", 5).await(10, TimeUnit.SECONDS).startsWith("$2a$05$"));
  }

  @Test
  void bcryptRefusesToRunOnAnEventLoop() {
    assertInstanceOf(IllegalStateException.class, failureOnEventLoop(() -> PasswordHashing.matchesNow("x", STORED)));
    assertInstanceOf(IllegalStateException.class, failureOnEventLoop(() -> PasswordHashing.hashNow("x", 4)));
  }

  @Test
  void aFullQueueIsRefusedAtOnceWith503() throws Exception {
    PasswordHashing hashing = new PasswordHashing(vertx, 1, 2);
    List<Future<String>> checks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      checks.add(hashing.hash("correct horse", 10));
    }
    // one running and two waiting; the other 47 are answered before any has finished
    List<Future<String>> refused = checks.stream().filter(Future::failed).toList();
    assertEquals(47, refused.size());
    refused.forEach(check -> assertEquals(Failure.UNAVAILABLE, Failure.code(check.cause())));
    for (Future<String> check : checks.subList(0, 3)) {
      assertTrue(check.await(30, TimeUnit.SECONDS).startsWith("$2a$10$"));
    }
    assertEquals(0, hashing.pending(), "the queue empties");
    assertTrue(hashing.matches("correct horse", STORED).await(10, TimeUnit.SECONDS), "and takes work again");
  }

  @Test
  void loginWorksThroughARealNode() {
    try (TestNode node = TestNode.start()) {
      String name = Names.unique("worker");
      Http http = new Http(vertx, node.port()).signUp(name);
      assertEquals(200, http.get("/api/me").status());
      assertEquals(200, new Http(vertx, node.port()).post("/api/login",
        new JsonObject().put("username", name).put("password", Http.passwordOf(name))).status());
      assertEquals(401, new Http(vertx, node.port()).post("/api/login",
        new JsonObject().put("username", name).put("password", "not-the-password")).status());
    }
  }

  private Throwable failureOnEventLoop(Callable<Object> task) {
    CompletableFuture<Object> result = Future.future(promise -> vertx.runOnContext(x -> {
      try {
        promise.complete(task.call());
      } catch (Exception e) {
        promise.fail(e);
      }
    })).toCompletionStage().toCompletableFuture();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    return failed.getCause();
  }
}
