package chat.file;

import chat.config.ChatConfig;
import chat.db.Dialect;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * The files shared in rooms: their rows ({@code files}, db/migration V3) and their bytes ({@link FileBytes}). One
 * per HTTP verticle, which streams uploads in and downloads out through it, chunk by chunk.
 */
public final class SharedFiles {

  public static final String UPLOADING = "uploading";
  public static final String STORED = "stored";
  public static final String REMOVED = "removed";

  private static final String INSERT = """
    INSERT INTO files (room, uploader_key, name, size, type, state, created) VALUES (?, ?, ?, 0, 'application/octet-stream', ?, ?)""";
  private static final String STORE = """
    UPDATE files SET size = ?, type = ?, width = ?, height = ?, thumb_type = ?, thumb_size = ?, sha256 = ?, state = ?
    WHERE id = ?""";
  private static final String FIND = """
    SELECT id, room, uploader_key, name, size, type, width, height, thumb_type, thumb_size, sha256, state
    FROM files WHERE id = ?""";
  private static final String USED = "SELECT SUM(size) FROM files WHERE uploader_key = ? AND state <> ?";
  private static final String MARK_REMOVED = "UPDATE files SET state = ? WHERE id = ? AND state = ?";
  private static final String DELETE = "DELETE FROM files WHERE id = ?";
  private static final String LEFT_BEHIND = "SELECT id FROM files WHERE state = ? AND created < ?";
  private static final String MESSAGE_OF = "SELECT id FROM messages WHERE file_id = ?";

  /** A file's row. */
  public record Stored(long id, String room, String uploaderKey, String name, long size, String type, Integer width,
                       Integer height, String thumbType, Long thumbSize, String sha256, String state) {
  }

  private final ReconnectingPool db;
  private final Dialect dialect;
  private final FileBytes bytes;

  public SharedFiles(Vertx vertx, ChatConfig config, String name) {
    this.db = new ReconnectingPool(vertx, config.db(), name);
    this.dialect = Dialect.of(config.db().url());
    this.bytes = config.files().dir().<FileBytes>map(dir -> new FolderBytes(vertx, Path.of(dir)))
      .orElseGet(() -> new DatabaseBytes(db));
  }

  /** A new file's row, before any byte: its id. */
  public Future<Long> begin(String room, String uploaderKey, String name) {
    Tuple row = Tuple.of(room, uploaderKey, name, UPLOADING, System.currentTimeMillis());
    return db.use(pool -> pool.withConnection(conn -> dialect.insertReturningIds(conn, INSERT, row, 1)))
      .map(ids -> ids.get(0));
  }

  public Future<Void> write(long id, String part, int seq, Buffer chunk) {
    return bytes.write(id, part, seq, chunk);
  }

  public Future<Buffer> read(long id, String part, int seq) {
    return bytes.read(id, part, seq);
  }

  /**
   * The file's bytes as a blocking stream, one chunk in memory at a time: for a thread that is not Vert.x's (the
   * thumbnailer's), which waits for each chunk as it needs it.
   */
  public InputStream stream(long id, long size) {
    int chunks = (int) ((size + FileBytes.CHUNK - 1) / FileBytes.CHUNK);
    return new SequenceInputStream(new Enumeration<>() {
      private int next;

      public boolean hasMoreElements() {
        return next < chunks;
      }

      public InputStream nextElement() {
        return new ByteArrayInputStream(bytes.read(id, FileBytes.DATA, next++).await().getBytes());
      }
    });
  }

  /** The file is complete: what it is, and its thumbnail if one was made. */
  public Future<Void> store(long id, long size, String type, String sha256, Thumbnails.Made made) {
    Future<Void> thumb = Future.succeededFuture();
    if (made.thumbnail() != null) {
      Buffer thumbnail = Buffer.buffer(made.thumbnail());
      List<Future<Void>> chunks = new ArrayList<>();
      for (int seq = 0, at = 0; at < thumbnail.length(); seq++, at += FileBytes.CHUNK) {
        chunks.add(bytes.write(id, FileBytes.THUMB, seq, thumbnail.slice(at, Math.min(thumbnail.length(), at + FileBytes.CHUNK))));
      }
      thumb = Future.all(chunks).mapEmpty();
    }
    Long thumbSize = made.thumbnail() == null ? null : (long) made.thumbnail().length;
    return thumb.compose(v -> db.query(STORE, Tuple.tuple().addLong(size).addString(type).addInteger(made.width())
        .addInteger(made.height()).addString(made.thumbnail() == null ? null : made.type()).addLong(thumbSize)
        .addString(sha256).addString(STORED).addLong(id)))
      .mapEmpty();
  }

  /** A file that will not be shared (refused, cut off, failed): its bytes and row go. */
  public Future<Void> discard(long id) {
    return bytes.delete(id).compose(v -> db.query(DELETE, Tuple.of(id))).mapEmpty();
  }

  /** The bytes of a user's files, stored or on their way. */
  public Future<Long> used(String uploaderKey) {
    return db.query(USED, Tuple.of(uploaderKey, REMOVED)).map(rows -> {
      Long sum = rows.iterator().next().getLong(0);
      return sum == null ? 0L : sum;
    });
  }

  /** The file's row, or null. */
  public Future<Stored> find(long id) {
    return db.query(FIND, Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Stored(r.getLong(0), r.getString(1), r.getString(2), r.getString(3), r.getLong(4), r.getString(5),
        r.getInteger(6), r.getInteger(7), r.getString(8), r.getLong(9), r.getString(10), r.getString(11));
    });
  }

  /** Removed: the row stays (its message says "file removed"), the bytes go. True when it was stored until now. */
  public Future<Boolean> remove(long id) {
    return db.query(MARK_REMOVED, Tuple.of(REMOVED, id, STORED)).compose(marked -> marked.rowCount() == 0
      ? Future.succeededFuture(false) : bytes.delete(id).map(true));
  }

  /** The id of the message that shares the file, or null. */
  public Future<Long> messageOf(long id) {
    return db.query(MESSAGE_OF, Tuple.of(id)).map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  /** Uploads left behind by a node that stopped in the middle of one: their bytes and rows go. */
  public Future<Integer> sweep(long olderThanMs) {
    return db.query(LEFT_BEHIND, Tuple.of(UPLOADING, olderThanMs)).compose(rows -> {
      List<Future<Void>> discarded = new ArrayList<>();
      rows.forEach(row -> discarded.add(discard(row.getLong(0))));
      return Future.all(discarded).map(discarded.size());
    });
  }

  public Future<Void> close() {
    return db.close();
  }
}
