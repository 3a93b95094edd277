package chat.db;

import chat.bus.Failure;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plain JDBC connection on a thread of its own, which keeps its prepared statements: for the node's hottest
 * statement, the group commit of accepted messages. vertx-jdbc-client 5.0.7 prepares and closes the JDBC statement
 * on every execution (even one made through {@code SqlConnection.prepare}, see its {@code JDBCPreparedQuery.execute}),
 * so the database parsed and planned the same multi-row INSERT for every batch (issue 18). Work runs one piece at a
 * time, in order; a lost connection is dropped and the next piece of work opens a new one, so the node recovers by
 * itself once the database is back, as {@link ReconnectingPool} does for the pools.
 */
public final class DedicatedConnection {

  /** What runs on the connection's thread; it may block. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Statements statements) throws SQLException;
  }

  /** The connection's statements, each prepared once and kept while it is among the last used. */
  public interface Statements {
    PreparedStatement prepared(String sql) throws SQLException;
  }

  /** Statements kept per connection; a group commit has one per batch size it has seen, and sizes go up to 256. */
  static final int KEPT_STATEMENTS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(DedicatedConnection.class);

  private final ChatConfig.Db db;
  private final String name;
  private final WorkerExecutor thread;
  /** Touched on the worker thread only (the executor has one thread and runs work in order). */
  private Connection connection;
  private final Map<String, PreparedStatement> kept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
      if (size() <= KEPT_STATEMENTS) {
        return false;
      }
      closeQuietly(eldest.getValue());
      return true;
    }
  };
  private final Statements statements = this::prepared;

  public DedicatedConnection(Vertx vertx, ChatConfig.Db db, String name) {
    this.db = db;
    this.name = name;
    this.thread = vertx.createSharedWorkerExecutor(name, 1);
  }

  /**
   * Runs the work on the connection's thread. A lost connection fails it with {@link Failure#UNAVAILABLE}, as a
   * pool's would; any other failure is the statement's, and the caller's to read (its SQLSTATE says which row).
   */
  public <T> Future<T> run(Work<T> work) {
    return thread.executeBlocking(() -> {
      try {
        return work.run(statements);
      } catch (SQLException err) {
        if (ReconnectingPool.connectionLost(err) || connection == null) {
          LOG.warn("{} lost its database connection ({}); the next statement reconnects", name, err.getMessage());
          drop();
          throw Failure.of(Failure.UNAVAILABLE, "database unavailable, try again");
        }
        throw err;
      }
    }, true);
  }

  public Future<Void> close() {
    return thread.executeBlocking(() -> {
      drop();
      return null;
    }, true).eventually(thread::close).mapEmpty();
  }

  private PreparedStatement prepared(String sql) throws SQLException {
    PreparedStatement statement = kept.get(sql);
    if (statement == null) {
      statement = connection().prepareStatement(sql);
      kept.put(sql, statement);
    }
    return statement;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      // autocommit, as a pool's connection: one statement is one commit
      connection = DriverManager.getConnection(db.url(), db.user(), db.password());
    }
    return connection;
  }

  private void drop() {
    kept.values().forEach(DedicatedConnection::closeQuietly);
    kept.clear();
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException alreadyGone) {
        // nothing to give back
      }
      connection = null;
    }
  }

  private static void closeQuietly(PreparedStatement statement) {
    try {
      statement.close();
    } catch (SQLException alreadyGone) {
      // its connection went first
    }
  }
}
