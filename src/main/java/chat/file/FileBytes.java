package chat.file;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where a shared file's bytes live, as numbered chunks of at most {@link #CHUNK} bytes, so that nothing ever holds a
 * whole file: in the database ({@link DatabaseBytes}, the default: a cluster needs nothing more) or in a folder every
 * node shares ({@link FolderBytes}, {@code files.dir}). An object store would be a third implementation.
 * {@code part} is "data" (the file) or "thumb" (its thumbnail).
 */
public interface FileBytes {

  int CHUNK = 256 * 1024;
  String DATA = "data";
  String THUMB = "thumb";

  Future<Void> write(long fileId, String part, int seq, Buffer chunk);

  /** The chunk, or a failure when it is not there. */
  Future<Buffer> read(long fileId, String part, int seq);

  /** Every chunk of the file, both parts; nothing there is fine. */
  Future<Void> delete(long fileId);
}
