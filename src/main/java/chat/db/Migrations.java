package chat.db;

import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The schema is Flyway's: versioned SQL under {@code src/main/resources/db/migration/common} (both databases), and
 * {@code db/migration/hsqldb} or {@code db/migration/postgresql} for a step whose SQL differs. A migration only
 * adds (tables, columns, indexes), so nodes of the previous version keep working while a cluster rolls over.
 *
 * <p>Nodes starting together against one database migrate it once: each looks at the schema and migrates under a
 * lock of the dialect's ({@link Dialect#lockMigrations}: Flyway's own does not hold on HSQLDB), and a node that
 * finds a step applied skips it. A database made before migrations existed (every table of V1, no history) is
 * taken over by baselining it at version 1. A database whose schema is newer than this build knows is refused
 * ({@link SchemaTooNew}): an older node must not write to tables it does not understand.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  /** The tables of V1, which a database from before migrations has; the name of Flyway's own table. */
  static final List<String> V1_TABLES = List.of("users", "messages", "private_rooms", "read_marks");
  static final String HISTORY_TABLE = "flyway_schema_history";

  private Migrations() {
  }

  /** Brings the configured database to this build's schema, on a worker thread. */
  public static Future<Void> migrate(Vertx vertx, ChatConfig.Db db) {
    return vertx.executeBlocking(() -> {
      migrateNow(db);
      return null;
    }, false);
  }

  static void migrateNow(ChatConfig.Db db) {
    Dialect dialect = Dialect.of(db.url());
    try (Connection conn = DriverManager.getConnection(db.url(), db.user(), db.password())) {
      for (String statement : dialect.settings()) {
        applySetting(conn, statement, db);
      }
      dialect.lockMigrations(conn);
      try {
        Flyway flyway = flyway(db, dialect, baselineNeeded(conn));
        refuseNewerSchema(flyway.info());
        int applied = flyway.migrate().migrationsExecuted;
        MigrationInfo current = flyway.info().current();
        LOG.info("database schema at version {}{}", current == null ? "none" : current.getVersion(),
          applied == 0 ? "" : " (" + applied + " migration" + (applied == 1 ? "" : "s") + " applied now)");
      } finally {
        dialect.unlockMigrations(conn);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("database " + db.url() + " not usable: " + e.getMessage(), e);
    }
  }

  private static Flyway flyway(ChatConfig.Db db, Dialect dialect, boolean baseline) {
    List<String> locations = new ArrayList<>(List.of("classpath:db/migration/common"));
    String ownFolder = "db/migration/" + dialect.name().toLowerCase(Locale.ROOT);
    if (Migrations.class.getClassLoader().getResource(ownFolder) != null) {
      locations.add("classpath:" + ownFolder);
    }
    return Flyway.configure()
      .dataSource(db.url(), db.user(), db.password())
      .locations(locations.toArray(String[]::new))
      .placeholders(Map.of("table_kind", dialect.tableKind(), "binary_type", dialect.binaryType()))
      .table(HISTORY_TABLE)
      .baselineOnMigrate(baseline)
      .baselineVersion("1")
      .baselineDescription("schema from before migrations")
      .load();
  }

  /**
   * True for a database made before migrations: it has V1's tables and no history. One that has only some of
   * them comes from an older build still, which this one cannot take over by itself.
   */
  static boolean baselineNeeded(Connection conn) throws SQLException {
    if (tableExists(conn, HISTORY_TABLE)) {
      return false;
    }
    List<String> present = new ArrayList<>();
    for (String table : V1_TABLES) {
      if (tableExists(conn, table)) {
        present.add(table);
      }
    }
    if (!present.isEmpty() && present.size() < V1_TABLES.size()) {
      throw new SchemaTooOld("the database has the tables " + present + " of an early chat build but not all of "
        + V1_TABLES + ": start it once with a build from before schema migrations, then with this one");
    }
    return present.size() == V1_TABLES.size();
  }

  private static boolean tableExists(Connection conn, String table) throws SQLException {
    // HSQLDB reports unquoted names in upper case, PostgreSQL in lower case
    for (String name : List.of(table, table.toUpperCase(Locale.ROOT))) {
      try (ResultSet tables = conn.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
        if (tables.next()) {
          return true;
        }
      }
    }
    return false;
  }

  /** An applied migration this build does not have means a newer build migrated the database: refuse it. */
  static void refuseNewerSchema(MigrationInfoService info) {
    MigrationInfo newestKnown = null;
    MigrationInfo newestApplied = null;
    for (MigrationInfo migration : info.all()) {
      if (!migration.isVersioned()) {
        continue;
      }
      if (migration.getState().isResolved()) {
        newestKnown = migration;
      }
      if (migration.getState().isApplied()) {
        newestApplied = migration;
      }
    }
    if (newestApplied != null && (newestApplied.getState() == MigrationState.FUTURE_SUCCESS
      || newestApplied.getState() == MigrationState.FUTURE_FAILED)) {
      throw new SchemaTooNew("the database schema is at version " + newestApplied.getVersion()
        + ", newer than the " + (newestKnown == null ? "none" : newestKnown.getVersion())
        + " this build knows: start a build at least as new as the one that migrated it");
    }
  }

  /**
   * A database setting the dialect wants: required on our own embedded database; on a shared server we may lack
   * the rights, so the operator is told what to run instead.
   */
  private static void applySetting(Connection conn, String statement, ChatConfig.Db db) throws SQLException {
    try (Statement sql = conn.createStatement()) {
      sql.execute(statement);
    } catch (SQLException e) {
      if (db.isEmbeddedFile()) {
        throw e;
      }
      LOG.warn("could not run '{}' on the shared database (run it there yourself): {}", statement, e.getMessage());
    }
  }

  /** The database was migrated by a newer build than this one. */
  public static final class SchemaTooNew extends RuntimeException {
    SchemaTooNew(String message) {
      super(message, null, false, false);
    }
  }

  /** The database has part of the first schema only: an early build's, which this one does not take over. */
  public static final class SchemaTooOld extends RuntimeException {
    SchemaTooOld(String message) {
      super(message, null, false, false);
    }
  }
}
