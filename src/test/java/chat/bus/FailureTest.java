package chat.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The one mapping from a failure to what a client is told, on the bus and over HTTP alike. */
class FailureTest {

  @Test
  void aRefusalKeepsItsCodeAndText() {
    assertEquals(new Failure.Told(409, "username taken"), Failure.told(Failure.of(409, "username taken")));
    assertEquals(new Failure.Told(400, "text must not be empty"), Failure.told(Failure.badRequest("text must not be empty")));
  }

  @Test
  void aDeliberate503KeepsItsTextAndALostRequestGetsAPlainOne() {
    assertEquals(new Failure.Told(503, "store unavailable, try again"),
      Failure.told(Failure.of(503, "store unavailable, try again")));
    assertEquals(new Failure.Told(503, "service unavailable, try again"),
      Failure.told(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 30000(ms) for a reply")));
    assertEquals(new Failure.Told(503, "service unavailable, try again"),
      Failure.told(new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address chat.store")));
  }

  @Test
  void anythingUnexpectedSaysOnlyThatItFailed() {
    assertEquals(new Failure.Told(500, "internal error"),
      Failure.told(new SQLException("syntax error near SELECT * FROM users", "42601")));
    assertEquals(new Failure.Told(500, "internal error"), Failure.told(new NullPointerException("at chat.store.Sql")));
  }

  @Test
  void aServiceThatFailsIsUnavailableButItsRefusalsStayRefusals() {
    ReplyException refused = Failure.badRequest("id must be a message id");
    assertSame(refused, Failure.unavailableUnlessRefused(refused, "store"));
    assertEquals(new Failure.Told(503, "store unavailable, try again"),
      Failure.told(Failure.unavailableUnlessRefused(new SQLException("connection refused", "08001"), "store")));
  }
}
