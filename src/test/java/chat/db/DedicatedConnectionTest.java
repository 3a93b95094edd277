package chat.db;

import chat.bus.Failure;
import chat.config.ChatConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The group commit's connection keeps its statements, and comes back by itself after losing the database. */
class DedicatedConnectionTest {

  private final Vertx vertx = Vertx.vertx();
  private final DedicatedConnection connection = new DedicatedConnection(vertx,
    new ChatConfig.Db("jdbc:hsqldb:mem:dedicated-" + UUID.randomUUID(), "SA", "", 1), "test-writer");

  @AfterEach
  void close() {
    connection.close().await();
    vertx.close().await();
  }

  @Test
  void aStatementIsPreparedOnceAndKept() {
    PreparedStatement first = connection.run(statements -> statements.prepared("VALUES (1)")).await();
    PreparedStatement again = connection.run(statements -> statements.prepared("VALUES (1)")).await();
    assertSame(first, again);
    assertEquals(1, connection.run(statements -> one(statements.prepared("VALUES (1)"))).await());
  }

  @Test
  void onlyTheMostRecentlyUsedStatementsAreKept() {
    PreparedStatement oldest = connection.run(statements -> statements.prepared("VALUES (0)")).await();
    for (int i = 1; i <= DedicatedConnection.KEPT_STATEMENTS; i++) {
      String sql = "VALUES (" + i + ")";
      connection.run(statements -> statements.prepared(sql)).await();
    }
    assertTrue(connection.run(statements -> oldest.isClosed()).await(), "the least recently used one is closed");
    assertNotSame(oldest, connection.run(statements -> statements.prepared("VALUES (0)")).await());
    assertEquals(0, connection.run(statements -> one(statements.prepared("VALUES (0)"))).await());
  }

  @Test
  void aStatementsOwnFailureLeavesTheConnectionAsItIs() {
    PreparedStatement kept = connection.run(statements -> statements.prepared("VALUES (1)")).await();
    Throwable refused = assertThrows(Throwable.class,
      () -> connection.run(statements -> statements.prepared("SELECT * FROM no_such_table")).await());
    assertTrue(refused instanceof SQLException, "the statement's own error reaches the caller: " + refused);
    assertSame(kept, connection.run(statements -> statements.prepared("VALUES (1)")).await());
  }

  @Test
  void aLostConnectionIsA503AndTheNextWorkReconnects() {
    connection.run(statements -> statements.prepared("SHUTDOWN").execute()).await();
    Throwable lost = assertThrows(Throwable.class,
      () -> connection.run(statements -> one(statements.prepared("VALUES (1)"))).await());
    assertEquals(Failure.UNAVAILABLE, Failure.code(lost), "a lost database is a retryable 503: " + lost);
    assertEquals(1, connection.run(statements -> one(statements.prepared("VALUES (1)"))).await());
  }

  private static int one(PreparedStatement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
