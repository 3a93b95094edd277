package chat.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/** The SQL that differs between the embedded default (HSQLDB) and PostgreSQL, in one place per database. */
public enum Dialect {

  HSQLDB("CACHED ") {
    @Override
    List<String> beforeSchema() {
      // HSQLDB's default write delay (500 ms) would lose commits it has already acknowledged on kill -9
      return List.of("SET FILES WRITE DELAY FALSE");
    }

    @Override
    String insertPrivateRoom() {
      return """
        MERGE INTO private_rooms p USING (VALUES (CAST(? AS VARCHAR(20)), CAST(? AS VARCHAR(64)))) AS v(u, r)
        ON p.username_key = v.u AND p.room = v.r WHEN NOT MATCHED THEN INSERT VALUES (v.u, v.r)""";
    }

    @Override
    Future<List<Long>> insertMessages(SqlConnection conn, List<Object> values, int rows) {
      // one statement holds the table while it numbers its rows in VALUES order; IDENTITY() is its last id
      return conn.preparedQuery(Sql.insertMessages(rows)).execute(Tuple.from(values))
        .compose(inserted -> conn.query("CALL IDENTITY()").execute())
        .map(result -> {
          long last = result.iterator().next().getLong(0);
          List<Long> ids = new ArrayList<>(rows);
          for (int i = rows - 1; i >= 0; i--) {
            ids.add(last - i);
          }
          return ids;
        });
    }
  },

  POSTGRESQL("") {
    @Override
    List<String> beforeSchema() {
      // nodes starting together: one creates the schema, the others wait (CREATE … IF NOT EXISTS can race here)
      return List.of("SELECT pg_advisory_lock(7304012)");
    }

    @Override
    List<String> afterSchema() {
      return List.of("SELECT pg_advisory_unlock(7304012)");
    }

    @Override
    String insertPrivateRoom() {
      return "INSERT INTO private_rooms (username_key, room) VALUES (?, ?) ON CONFLICT DO NOTHING";
    }

    @Override
    Future<List<Long>> insertMessages(SqlConnection conn, List<Object> values, int rows) {
      return conn.preparedQuery(Sql.insertMessages(rows) + " RETURNING id").execute(Tuple.from(values))
        .map(result -> {
          List<Long> ids = new ArrayList<>(rows);
          result.forEach(row -> ids.add(row.getLong(0)));
          return ids;
        });
    }
  };

  private final String tableKind;

  Dialect(String tableKind) {
    this.tableKind = tableKind;
  }

  public static Dialect of(String jdbcUrl) {
    return jdbcUrl.startsWith("jdbc:postgresql:") ? POSTGRESQL : HSQLDB;
  }

  List<String> schema() {
    return Sql.SCHEMA.stream().map(statement -> statement.formatted(tableKind)).toList();
  }

  /** Run on the migrating connection before the schema statements. */
  List<String> beforeSchema() {
    return List.of();
  }

  List<String> afterSchema() {
    return List.of();
  }

  /** Lists a private room for one of its members (username_key, room), unless it is listed already. */
  abstract String insertPrivateRoom();

  /** Inserts rows of (room, sender, text, ts, cid) in one statement; the ids in row order. */
  abstract Future<List<Long>> insertMessages(SqlConnection conn, List<Object> values, int rows);
}
