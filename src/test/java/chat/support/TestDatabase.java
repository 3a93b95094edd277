package chat.support;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which database the tests run on: HSQLDB files in temp folders by default, or, with
 * {@code -Dchat.test.db=postgresql}, a fresh database per test node on the PostgreSQL server at 127.0.0.1:5432
 * (role {@code chat}/{@code chat} with CREATEDB; {@code .ci/run} sets it up).
 */
public final class TestDatabase {

  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";
  /** Databases this test JVM created; dropped when it exits, so runs do not pile them up on the server. */
  private static final Set<String> CREATED = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated, "drop-test-databases"));
  }

  private TestDatabase() {
  }

  public static boolean postgres() {
    return "postgresql".equals(System.getProperty("chat.test.db"));
  }

  /** The db config section for a node whose data belongs in this folder (the same folder, the same data). */
  public static JsonObject forDataDir(Path dataDir) {
    if (!postgres()) {
      return new JsonObject().put("url", "jdbc:hsqldb:file:" + dataDir.resolve("chat"));
    }
    return createPostgres(postgresName(dataDir));
  }

  /** The name of the PostgreSQL database that belongs to this folder. */
  public static String postgresName(Path dataDir) {
    return "chat_" + dataDir.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");
  }

  /** Creates this PostgreSQL database, owned by the test role, unless it exists; its db config section. */
  public static JsonObject createPostgres(String name) {
    try (Connection admin = adminConnection(); Statement sql = admin.createStatement()) {
      boolean exists = sql.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'").next();
      if (!exists) {
        sql.execute("CREATE DATABASE " + name);
        CREATED.add(name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 not usable (see .ci/run): " + e.getMessage(), e);
    }
    return new JsonObject().put("url", POSTGRES + name).put("user", "chat").put("password", "chat");
  }

  private static void dropCreated() {
    for (String name : CREATED) {
      try {
        dropPostgres(name);
      } catch (IllegalStateException e) {
        System.err.println(e.getMessage());
      }
    }
  }

  /** Drops this PostgreSQL database, ending any session still on it. */
  public static void dropPostgres(String name) {
    try (Connection admin = adminConnection(); Statement sql = admin.createStatement()) {
      sql.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop test database " + name + ": " + e.getMessage(), e);
    }
  }

  private static Connection adminConnection() throws SQLException {
    return DriverManager.getConnection(POSTGRES + "postgres", "chat", "chat");
  }
}
