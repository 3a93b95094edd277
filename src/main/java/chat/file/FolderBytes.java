package chat.file;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.file.Path;

/** A file's chunks as files {@code <dir>/<id>/<part>.<seq>} on a volume every node mounts ({@code files.dir}). */
final class FolderBytes implements FileBytes {

  private final Vertx vertx;
  private final Path dir;

  FolderBytes(Vertx vertx, Path dir) {
    this.vertx = vertx;
    this.dir = dir;
  }

  private String folder(long fileId) {
    return dir.resolve(Long.toString(fileId)).toString();
  }

  @Override
  public Future<Void> write(long fileId, String part, int seq, Buffer chunk) {
    String folder = folder(fileId);
    return vertx.fileSystem().mkdirs(folder)
      .compose(made -> vertx.fileSystem().writeFile(Path.of(folder, part + "." + seq).toString(), chunk));
  }

  @Override
  public Future<Buffer> read(long fileId, String part, int seq) {
    return vertx.fileSystem().readFile(Path.of(folder(fileId), part + "." + seq).toString());
  }

  @Override
  public Future<Void> delete(long fileId) {
    String folder = folder(fileId);
    return vertx.fileSystem().exists(folder)
      .compose(there -> there ? vertx.fileSystem().deleteRecursive(folder) : Future.succeededFuture());
  }
}
