package chat.file;

import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;

/** A file's chunks as rows of {@code file_chunks} (db/migration V3), one statement per chunk. */
final class DatabaseBytes implements FileBytes {

  private static final String INSERT = "INSERT INTO file_chunks (file_id, part, seq, bytes) VALUES (?, ?, ?, ?)";
  private static final String SELECT = "SELECT bytes FROM file_chunks WHERE file_id = ? AND part = ? AND seq = ?";
  private static final String DELETE = "DELETE FROM file_chunks WHERE file_id = ?";

  private final ReconnectingPool db;

  DatabaseBytes(ReconnectingPool db) {
    this.db = db;
  }

  @Override
  public Future<Void> write(long fileId, String part, int seq, Buffer chunk) {
    return db.query(INSERT, Tuple.of(fileId, part, seq, chunk.getBytes())).mapEmpty();
  }

  @Override
  public Future<Buffer> read(long fileId, String part, int seq) {
    return db.query(SELECT, Tuple.of(fileId, part, seq)).compose(rows -> rows.size() == 0
      ? Future.failedFuture(new IllegalStateException("chunk " + seq + " of file " + fileId + " is missing"))
      : Future.succeededFuture(rows.iterator().next().getBuffer(0)));
  }

  @Override
  public Future<Void> delete(long fileId) {
    return db.query(DELETE, Tuple.of(fileId)).mapEmpty();
  }
}
