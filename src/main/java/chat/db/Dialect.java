package chat.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * What differs between the embedded default (HSQLDB) and PostgreSQL in setting up a database and in reading back
 * generated ids; a feature whose SQL differs keeps both forms beside its other SQL, chosen by this value.
 */
public enum Dialect {

  HSQLDB("CACHED ") {
    @Override
    List<String> settings() {
      // HSQLDB's default write delay (500 ms) would lose commits it has already acknowledged on kill -9
      return List.of("SET FILES WRITE DELAY FALSE");
    }

    @Override
    public Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows) {
      // one statement holds the table while it numbers its rows in VALUES order; IDENTITY() is its last id
      return conn.preparedQuery(insert).execute(values)
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
    public Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows) {
      return conn.preparedQuery(insert + " RETURNING id").execute(values)
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

  /** What goes before TABLE in a migration's CREATE ("CACHED " for HSQLDB's disk tables): its ${table_kind}. */
  String tableKind() {
    return tableKind;
  }

  /** Settings of the database itself, run at every start before the migrations. */
  List<String> settings() {
    return List.of();
  }


  /** Runs an INSERT of {@code rows} rows into a table with an identity column {@code id}; the ids in row order. */
  public abstract Future<List<Long>> insertReturningIds(SqlConnection conn, String insert, Tuple values, int rows);
}
