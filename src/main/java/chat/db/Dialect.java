package chat.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What differs between the embedded default (HSQLDB) and PostgreSQL in setting up a database and in reading back
 * generated ids; a feature whose SQL differs keeps both forms beside its other SQL, chosen by this value.
 */
public enum Dialect {

  HSQLDB("CACHED ", "VARBINARY(262144)") {
    @Override
    List<String> settings() {
      // HSQLDB's default write delay (500 ms) would lose commits it has already acknowledged on kill -9
      return List.of("SET FILES WRITE DELAY FALSE");
    }

    /**
     * Flyway's own lock does not hold on HSQLDB: it is a LOCK TABLE on the connection that also runs the
     * migration, and HSQLDB commits (so unlocks) before every CREATE, letting a second node read the half-made
     * schema as empty and run V1 again. This lock is a row inserted and never committed on a connection of its
     * own: another node's insert waits for it, and a node that dies mid-way lets it go with its session.
     */
    @Override
    void lockMigrations(Connection conn) throws SQLException {
      // in a schema of its own: Flyway will not migrate a schema that has tables but no history of its own
      for (String create : List.of("CREATE SCHEMA " + MIGRATION_LOCK_SCHEMA,
        "CREATE TABLE " + MIGRATION_LOCK_SCHEMA + ".held (id INT PRIMARY KEY)")) {
        try (Statement sql = conn.createStatement()) {
          sql.execute(create);
        } catch (SQLException madeBefore) {
          // made by an earlier start or by another node just now: either way it is there
        }
      }
      conn.setAutoCommit(false);
      try (Statement sql = conn.createStatement()) {
        sql.execute("INSERT INTO " + MIGRATION_LOCK_SCHEMA + ".held (id) VALUES (1)");
      }
    }

    @Override
    void unlockMigrations(Connection conn) throws SQLException {
      conn.rollback();
      conn.setAutoCommit(true);
    }

    @Override
    public Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows) {
      // one statement holds the table while it numbers its rows in VALUES order; IDENTITY() is its last id
      return conn.preparedQuery(insert).execute(values)
        .compose(inserted -> conn.query("CALL IDENTITY()").execute())
        .map(result -> consecutiveTo(result.iterator().next().getLong(0), rows));
    }

    @Override
    public List<Long> insertReturningIds(DedicatedConnection.Statements conn, String insert, List<Object> values,
        int rows) throws SQLException {
      bind(conn.prepared(insert), values).executeUpdate();
      try (ResultSet identity = conn.prepared("CALL IDENTITY()").executeQuery()) {
        identity.next();
        return consecutiveTo(identity.getLong(1), rows);
      }
    }
  },

  POSTGRESQL("", "BYTEA") {
    /** A session-level advisory lock (its key is the chat's own, apart from Flyway's), gone with the session. */
    @Override
    void lockMigrations(Connection conn) throws SQLException {
      try (Statement sql = conn.createStatement()) {
        sql.execute("SELECT pg_advisory_lock(" + MIGRATION_LOCK_KEY + ")");
      }
    }

    @Override
    void unlockMigrations(Connection conn) throws SQLException {
      try (Statement sql = conn.createStatement()) {
        sql.execute("SELECT pg_advisory_unlock(" + MIGRATION_LOCK_KEY + ")");
      }
    }

    @Override
    public Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows) {
      return conn.preparedQuery(insert + " RETURNING id").execute(values)
        .map(result -> {
          List<Long> ids = new ArrayList<>(rows);
          result.forEach(row -> ids.add(row.getLong(0)));
          return ids;
        });
    }

    @Override
    public List<Long> insertReturningIds(DedicatedConnection.Statements conn, String insert, List<Object> values,
        int rows) throws SQLException {
      List<Long> ids = new ArrayList<>(rows);
      try (ResultSet inserted = bind(conn.prepared(insert + " RETURNING id"), values).executeQuery()) {
        while (inserted.next()) {
          ids.add(inserted.getLong(1));
        }
      }
      return ids;
    }
  };

  /** The HSQLDB schema whose table's one uncommitted row is the migration lock (apart from Flyway's schema). */
  static final String MIGRATION_LOCK_SCHEMA = "chat_migration_lock";
  /** PostgreSQL's advisory lock key for migrations: "chat" in ASCII. */
  static final long MIGRATION_LOCK_KEY = 0x63686174L;

  private final String tableKind;
  private final String binaryType;

  Dialect(String tableKind, String binaryType) {
    this.tableKind = tableKind;
    this.binaryType = binaryType;
  }

  public static Dialect of(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : HSQLDB;
  }

  /** What goes before TABLE in a migration's CREATE ("CACHED " for HSQLDB's disk tables): its ${table_kind}. */
  String tableKind() {
    return tableKind;
  }

  /** The column type of a chunk of a shared file's bytes (at most 256 KiB): its ${binary_type}. */
  String binaryType() {
    return binaryType;
  }

  /** Settings of the database itself, run at every start before the migrations. */
  List<String> settings() {
    return List.of();
  }

  /**
   * Holds off every other node's migrations until {@link #unlockMigrations}, on this connection of its own (not
   * the one Flyway migrates on), so looking at the schema, baselining and migrating happen one node at a time.
   */
  abstract void lockMigrations(Connection conn) throws SQLException;

  abstract void unlockMigrations(Connection conn) throws SQLException;

  /** Runs an INSERT of {@code rows} rows into a table with an identity column {@code id}; the ids in row order. */
  public abstract Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows);

  /** The same on a {@link DedicatedConnection}'s thread, with the statements it keeps. */
  public abstract List<Long> insertReturningIds(DedicatedConnection.Statements conn, String insert, List<Object> values,
      int rows) throws SQLException;

  /** The ids of a multi-row INSERT whose last row got {@code last}: HSQLDB numbers a statement's rows in order. */
  private static List<Long> consecutiveTo(long last, int rows) {
    List<Long> ids = new ArrayList<>(rows);
    for (int i = rows - 1; i >= 0; i--) {
      ids.add(last - i);
    }
    return ids;
  }

  private static PreparedStatement bind(PreparedStatement statement, List<Object> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setObject(i + 1, values.get(i));
    }
    return statement;
  }
}
