package chat.db;

import chat.bus.Failure;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Function;

/**
 * A connection pool that replaces itself when the database went away. vertx-jdbc-client's pool keeps a broken
 * JDBC connection forever (its connections always report themselves valid), so after a database restart every
 * query would keep failing; here the first failure that says "connection lost" swaps in a fresh pool, and the
 * node recovers by itself as soon as the database is back.
 *
 * <p>Upstream: vert-x3/vertx-jdbc-client#357 ("Report dead connections to the pool") makes the pool drop a dead
 * connection itself; it was merged after 5.0.7. This class can go once the Vert.x BOM we use ships a
 * vertx-jdbc-client with it, when {@code DurabilityIT}'s database outage test passes on a plain pool.
 */
public final class ReconnectingPool {

  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingPool.class);

  private final Vertx vertx;
  private final ChatConfig.Db db;
  private final String name;
  private Pool pool;

  public ReconnectingPool(Vertx vertx, ChatConfig.Db db, String name) {
    this.vertx = vertx;
    this.db = db;
    this.name = name;
    this.pool = Database.pool(vertx, db, name);
  }

  /** Runs work on the current pool; a lost connection replaces the pool for the next call. */
  public <T> Future<T> use(Function<Pool, Future<T>> work) {
    Pool used = pool;
    return work.apply(used).recover(err -> {
      if (!connectionLost(err)) {
        return Future.failedFuture(err);
      }
      if (used == pool) {
        LOG.warn("{} pool lost its database connection ({}); reconnecting", name, err.getMessage());
        pool = Database.pool(vertx, db, name);
        used.close();
      }
      return Future.failedFuture(Failure.of(Failure.UNAVAILABLE, "database unavailable, try again"));
    });
  }

  /** One prepared statement with its arguments, on the current pool. */
  public Future<RowSet<Row>> query(String sql, Tuple args) {
    return use(pool -> pool.preparedQuery(sql).execute(args));
  }

  /** An INSERT that may find its row there already (a key or unique value): true when it inserted. */
  public Future<Boolean> insertIfAbsent(String sql, Tuple args) {
    return query(sql, args).map(true)
      .recover(err -> Database.constraintViolated(err) ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  public Future<Void> close() {
    return pool.close();
  }

  static boolean connectionLost(Throwable err) {
    for (Throwable cause = err; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLNonTransientConnectionException || cause instanceof SQLTransientConnectionException
        || cause instanceof SQLRecoverableException) {
        return true;
      }
      if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }
}
