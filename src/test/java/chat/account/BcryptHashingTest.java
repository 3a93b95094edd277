package chat.account;

import chat.support.Http;
import chat.support.Names;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;
import org.junit.jupiter.api.Test;
import org.mindrot.jbcrypt.BCrypt;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BcryptHashingTest {

  private static final String STORED = BCrypt.hashpw("correct horse", BCrypt.gensalt(4));

  @Test
  void vertxHashingStrategyVerifiesJbcryptHashes() {
    HashingStrategy strategy = HashingStrategy.load();
    assertTrue(strategy.verify(STORED, "correct horse"));
    assertFalse(strategy.verify(STORED, "wrong horse"));
  }

  @Test
  void newHashesUseTheConfiguredCost() {
    assertTrue(BcryptHashing.hashNew("correct horse", 5).startsWith("$2a$05$"));
  }

  @Test
  void bcryptRefusesToRunOnAnEventLoop() {
    Vertx vertx = Vertx.vertx();
    try {
      assertInstanceOf(IllegalStateException.class, failureOnEventLoop(vertx,
        () -> HashingStrategy.load().verify(STORED, "correct horse")));
      assertInstanceOf(IllegalStateException.class, failureOnEventLoop(vertx,
        () -> BcryptHashing.hashNew("correct horse", 4)));
    } finally {
      vertx.close().await();
    }
  }

  /**
   * With the guard above, a login that succeeds through a real node proves the SqlAuthentication hash check
   * ran on a worker thread, not an event loop.
   */
  @Test
  void loginChecksThePasswordOffTheEventLoop() {
    Vertx vertx = Vertx.vertx();
    try (TestNode node = TestNode.start()) {
      String name = Names.unique("worker");
      Http http = new Http(vertx, node.port()).signUp(name);
      assertEquals(200, http.get("/api/me").status());
      assertEquals(200, new Http(vertx, node.port()).post("/api/login",
        new io.vertx.core.json.JsonObject().put("username", name).put("password", "pw-" + name + "-long")).status());
    } finally {
      vertx.close().await();
    }
  }

  private static Throwable failureOnEventLoop(Vertx vertx, Callable<Object> task) {
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
