package chat.http;

import chat.access.RoomAccess;
import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.FileInfo;
import chat.bus.RoomId;
import chat.channel.ChannelRules;
import chat.config.ChatConfig;
import chat.file.FileBytes;
import chat.file.FileNames;
import chat.file.FileTypes;
import chat.file.SharedFiles;
import chat.file.Thumbnails;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files shared in rooms (README "Files"): uploads streamed into {@link SharedFiles} chunk by chunk, refused before
 * a byte is read when the room or the rate says no, and cut off the moment they pass their limit; downloads
 * streamed out chunk by chunk to whoever may read the room, with ranges; deletion by the uploader or a channel's
 * moderators. What a file is comes from its bytes ({@link FileTypes}), and only pictures are ever shown inline.
 */
final class FilesApi {

  private static final Logger LOG = LoggerFactory.getLogger(FilesApi.class);
  /** What a multipart body may carry beyond its file: boundaries, part headers, a caption. */
  static final long MULTIPART_SLACK = 64 * 1024;
  static final long SWEEP_EVERY_MS = 10 * 60_000;
  static final long LEFT_BEHIND_MS = 60 * 60_000;
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final Pattern ID = Pattern.compile("[0-9]{1,18}");
  /**
   * One picture at a time per node, on a thread that is not Vert.x's: it reads the picture chunk by chunk, waiting
   * for each (Future.await, which Vert.x's own threads may not do), so its memory is a chunk and the decoder's.
   */
  private static final ExecutorService THUMBNAILER = Executors.newSingleThreadExecutor(run -> {
    Thread thread = new Thread(run, "chat-thumbnailer");
    thread.setDaemon(true);
    return thread;
  });

  private final Vertx vertx;
  private final ChatConfig.Files limits;
  private final java.util.Set<String> topics;
  private final SharedFiles files;
  private final RoomAccess access;
  /** Uploads under way per user on this node, shared by its HTTP verticles. */
  private final LocalMap<String, Integer> uploading;

  FilesApi(Vertx vertx, ChatConfig config, SharedFiles files) {
    this.vertx = vertx;
    this.limits = config.files();
    this.topics = java.util.Set.copyOf(config.rooms());
    this.files = files;
    this.access = new RoomAccess(vertx);
    this.uploading = vertx.sharedData().getLocalMap("chat.uploads-in-flight");
    vertx.setPeriodic(SWEEP_EVERY_MS, id -> files.sweep(System.currentTimeMillis() - LEFT_BEHIND_MS)
      .onFailure(err -> LOG.warn("sweep of left-behind uploads failed: {}", err.toString())));
  }

  /** The upload, before the API's body handler (it streams its own body); needs a login. */
  void mountUpload(Router router, Handler<RoutingContext> requireUser) {
    router.post("/api/rooms/:room/files").handler(requireUser).handler(this::upload);
  }

  void mount(Router router) {
    router.delete("/api/files/:id").handler(this::delete);
  }

  /** The downloads, on their own path (with the session and login wall HttpVerticle puts in front). */
  void mountDownloads(Router router) {
    router.get("/files/:id/:name").handler(this::download);
  }

  // ---------------------------------------------------------------- upload

  private void upload(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause();
    String user = Requests.username(ctx);
    String userKey = RoomId.key(user);
    RoomId room = RoomId.parse(ctx.pathParam("room"), topics);
    if (room == null) {
      unread(ctx, 404, "no such room");
      return;
    }
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && ID.matcher(declared).matches() && Long.parseLong(declared) > limits.maxBytes() + MULTIPART_SLACK) {
      tooLarge(ctx, "file is larger than " + size(limits.maxBytes()));
      return;
    }
    if (!enter(userKey)) {
      unread(ctx, 429, "at most " + limits.uploadsAtOnce() + " uploads at once");
      return;
    }
    vertx.eventBus().request(Addresses.ROOM_FILE_ADMIT, new JsonObject().put("room", room.id()).put("user", user))
      .compose(admitted -> files.used(userKey))
      .onSuccess(used -> {
        if (used >= limits.quotaBytes()) {
          leave(userKey);
          tooLarge(ctx, "over your storage quota of " + size(limits.quotaBytes()));
        } else {
          new Upload(ctx, room, user, used).start();
        }
      })
      .onFailure(err -> {
        leave(userKey);
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        refused(ctx, err);
      });
  }

  /** Refused before the body is read: its connection closes after the answer (the body is still on the wire). */
  private static void unread(RoutingContext ctx, int status, String message) {
    ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    Replies.error(ctx, status, message);
  }

  /** One upload: its single file part streamed into chunks, then stored, thumbnailed and shared as a message. */
  private final class Upload {
    private final RoutingContext ctx;
    private final RoomId room;
    private final String user;
    private final String userKey;
    private final long usedBefore;
    private final MessageDigest sha256;
    private final Buffer prefix = Buffer.buffer();
    private Buffer pending = Buffer.buffer();
    private Future<Long> id;
    private Future<Void> writes = Future.succeededFuture();
    private int parts;
    /** The request's end (its form attributes are in) and the file part's (its last bytes are in): both, in any order. */
    private boolean requestEnded;
    private boolean fileEnded;
    private int seq;
    private long size;
    private boolean over;
    /** Answered 201: a connection closing afterwards (keep-alive ending) must not take the file with it. */
    private boolean shared;
    /** Its place among the user's uploads given back: once, even if it ends two ways (its row refused, then its body). */
    private boolean left;

    Upload(RoutingContext ctx, RoomId room, String user, long usedBefore) {
      this.ctx = ctx;
      this.room = room;
      this.user = user;
      this.userKey = RoomId.key(user);
      this.usedBefore = usedBefore;
      try {
        this.sha256 = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    void start() {
      HttpServerRequest request = ctx.request();
      request.setExpectMultipart(true);
      request.uploadHandler(this::part);
      // a body the multipart decoder cannot read (a part's headers too long, a broken boundary), or a cut connection
      request.exceptionHandler(err -> end(Failure.badRequest("the upload could not be read as multipart/form-data"), null));
      ctx.response().closeHandler(v -> end(null, "connection closed"));
      request.endHandler(v -> {
        requestEnded = true;
        complete();
      });
      request.resume();
    }

    private void part(HttpServerFileUpload upload) {
      parts++;
      if (!"file".equals(upload.name()) || parts > 1) {
        upload.pause();
        end(Failure.badRequest("one part named file, please"), null);
        return;
      }
      // the handler at once: the part's bytes may come in the same read as its headers; the writes wait for the row
      id = files.begin(room.id(), userKey, FileNames.safe(upload.filename()));
      writes = id.mapEmpty();
      id.onFailure(err -> end(err, null));
      upload.handler(data -> data(upload, data));
      // a paused part may still have bytes to give when the request has ended
      upload.endHandler(v -> {
        fileEnded = true;
        complete();
      });
    }

    private void data(HttpServerFileUpload upload, Buffer data) {
      if (over) {
        return;
      }
      size += data.length();
      if (size > limits.maxBytes()) {
        over = true;
        tooLarge(ctx, "file is larger than " + size(limits.maxBytes()));
        end(null, "over files.maxBytes");
        return;
      }
      if (usedBefore + size > limits.quotaBytes()) {
        over = true;
        tooLarge(ctx, "over your storage quota of " + size(limits.quotaBytes()));
        end(null, "over files.quotaBytes");
        return;
      }
      byte[] bytes = data.getBytes();
      sha256.update(bytes);
      if (prefix.length() < FileTypes.PREFIX) {
        prefix.appendBytes(bytes, 0, Math.min(bytes.length, FileTypes.PREFIX - prefix.length()));
      }
      pending.appendBuffer(data);
      while (pending.length() >= FileBytes.CHUNK) {
        Buffer chunk = pending.getBuffer(0, FileBytes.CHUNK);
        pending = pending.getBuffer(FileBytes.CHUNK, pending.length());
        int at = seq++;
        // one chunk written at a time: the client waits (TCP) while the database takes it
        upload.pause();
        writes = writes.compose(v -> files.write(id.result(), FileBytes.DATA, at, chunk)).onComplete(done -> {
          if (!over) {
            upload.resume();
          }
        });
      }
    }

    /** The whole body is in: the last chunk, then what the file is, then its message. */
    private void complete() {
      if (over || !requestEnded || id != null && !fileEnded) {
        return;
      }
      if (id == null) {
        end(Failure.badRequest(parts == 0 ? "a part named file is required" : "one part named file, please"), null);
        return;
      }
      id.compose(fileId -> {
        if (size == 0) {
          return Future.failedFuture(Failure.badRequest("the file is empty"));
        }
        int last = seq++;
        Buffer rest = pending;
        return writes.compose(v -> files.write(fileId, FileBytes.DATA, last, rest))
          .compose(v -> describe(fileId))
          .compose(type -> files.used(userKey).compose(used -> used > limits.quotaBytes()
            // uploads at the same moment, each within the quota alone
            ? Future.failedFuture(Failure.of(413, "over your storage quota of " + size(limits.quotaBytes())))
            : Future.succeededFuture(type)))
          .compose(info -> vertx.eventBus().<JsonObject>request(Addresses.ROOM_FILE_POST, new JsonObject()
            .put("room", room.id()).put("user", user).put("caption", ctx.request().getFormAttribute("caption"))
            .put("file", info.toJson())));
      }).onComplete(posted -> {
        if (posted.succeeded()) {
          shared = true;
          giveBackPlace();
          Replies.json(ctx, 201, posted.result().body());
        } else {
          end(posted.cause(), null);
        }
      });
    }

    /** Detects the type, measures and thumbnails a picture (on a worker), and marks the file stored. */
    private Future<FileInfo> describe(long fileId) {
      String type = FileTypes.detect(prefix.getBytes());
      String hash = HexFormat.of().formatHex(sha256.digest());
      Future<Thumbnails.Made> made = !FileTypes.inline(type) ? Future.succeededFuture(Thumbnails.Made.NOTHING)
        : Future.fromCompletionStage(CompletableFuture.supplyAsync(
          () -> Thumbnails.make(files.stream(fileId, size), type, limits.maxPixels()), THUMBNAILER), vertx.getOrCreateContext());
      return made.compose(thumb -> files.store(fileId, size, type, hash, thumb).map(stored -> new FileInfo(fileId,
        null, size, type, thumb.width(), thumb.height(), false)))
        .compose(info -> files.find(fileId).map(row -> new FileInfo(fileId, row.name(), size, type, info.width(),
          info.height(), false)));
    }

    private void giveBackPlace() {
      if (!left) {
        left = true;
        leave(userKey);
      }
    }

    /** Refused or cut off: whatever was stored goes; the client is answered unless it was already. */
    private void end(Throwable err, String why) {
      if (shared) {
        return;
      }
      if (id != null) {
        id.onSuccess(fileId -> writes.eventually(() -> files.discard(fileId)));
        id = null;
      }
      giveBackPlace();
      over = true;
      if (err != null) {
        if (!requestEnded) {
          // the rest of the body is not read: this connection cannot carry another request
          ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        refused(ctx, err);
      } else if (why != null && !ctx.response().ended()) {
        LOG.debug("upload to {} ended: {}", room.id(), why);
      }
    }
  }

  private boolean enter(String userKey) {
    boolean[] entered = new boolean[1];
    uploading.compute(userKey, (k, n) -> {
      int now = n == null ? 0 : n;
      entered[0] = now < limits.uploadsAtOnce();
      return entered[0] ? now + 1 : now;
    });
    return entered[0];
  }

  private void leave(String userKey) {
    uploading.computeIfPresent(userKey, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** 413 at once, and the connection closed: the rest of the body is never read. */
  private static void tooLarge(RoutingContext ctx, String message) {
    if (!ctx.response().ended()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      Replies.error(ctx, 413, message);
      ctx.request().connection().close();
    }
  }

  /** A refusal as the API tells it; a room that is no room (a made-up private partner) is 404. */
  private static void refused(RoutingContext ctx, Throwable err) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (Failure.code(err) == Failure.BAD_REQUEST && "no such room".equals(err.getMessage())) {
      Replies.error(ctx, 404, "no such room");
    } else {
      Replies.failure(ctx, err);
    }
  }

  private static String size(long bytes) {
    return bytes % (1024 * 1024 * 1024) == 0 ? bytes / (1024 * 1024 * 1024) + " GiB"
      : bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }

  // ---------------------------------------------------------------- download

  private void download(RoutingContext ctx) {
    String user = Requests.username(ctx);
    boolean thumb = ctx.queryParams().contains("thumb");
    readable(ctx.pathParam("id"), user).onComplete(found -> {
      SharedFiles.Stored file = found.succeeded() ? found.result() : null;
      if (file == null || thumb && file.thumbType() == null) {
        Replies.error(ctx, 404, "no such file");
        return;
      }
      String etag = "\"" + file.sha256() + (thumb ? "-thumb" : "") + "\"";
      HttpServerResponse response = ctx.response()
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=31536000, immutable")
        .putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
      if (etag.equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        response.setStatusCode(304).end();
        return;
      }
      String type = thumb ? file.thumbType() : file.type();
      long length = thumb ? file.thumbSize() : file.size();
      response.putHeader(HttpHeaders.CONTENT_TYPE, FileTypes.served(type))
        .putHeader("Content-Disposition", FileNames.contentDisposition(FileTypes.inline(type), file.name()));
      long from = 0;
      long to = length - 1;
      String range = ctx.request().getHeader("Range");
      Matcher asked = range == null ? null : RANGE.matcher(range.strip());
      if (asked != null && asked.matches() && !(asked.group(1).isEmpty() && asked.group(2).isEmpty())) {
        long[] span = span(asked.group(1), asked.group(2), length);
        if (span == null) {
          response.setStatusCode(416).putHeader("Content-Range", "bytes */" + length).end();
          return;
        }
        from = span[0];
        to = span[1];
        response.setStatusCode(206).putHeader("Content-Range", "bytes " + from + "-" + to + "/" + length);
      }
      // any other Range (several, or malformed) is ignored, as RFC 9110 allows: the whole file
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(to - from + 1));
      if (ctx.request().method().name().equals("HEAD")) {
        response.end();
        return;
      }
      send(response, file.id(), thumb ? FileBytes.THUMB : FileBytes.DATA, from, to);
    });
  }

  /** The first and last byte of "a-b", "a-" or "-n" within a file of this length, or null when it is outside. */
  static long[] span(String first, String last, long length) {
    try {
      if (first.isEmpty()) {
        long suffix = Long.parseLong(last);
        return suffix == 0 || length == 0 ? null : new long[] {Math.max(0, length - suffix), length - 1};
      }
      long from = Long.parseLong(first);
      long to = last.isEmpty() ? length - 1 : Math.min(Long.parseLong(last), length - 1);
      return from >= length || to < from ? null : new long[] {from, to};
    } catch (NumberFormatException tooLong) {
      return null;
    }
  }

  /** The bytes from..to, one chunk at a time, each written before the next is read. */
  private void send(HttpServerResponse response, long fileId, String part, long from, long to) {
    int seq = (int) (from / FileBytes.CHUNK);
    int lastSeq = (int) (to / FileBytes.CHUNK);
    Future<Void> chain = Future.succeededFuture();
    for (int at = seq; at <= lastSeq; at++) {
      int chunkSeq = at;
      chain = chain.compose(v -> {
        if (response.closed()) {
          return Future.failedFuture("client gone");
        }
        return files.read(fileId, part, chunkSeq).compose(chunk -> {
          long chunkStart = (long) chunkSeq * FileBytes.CHUNK;
          int start = (int) Math.max(0, from - chunkStart);
          int end = (int) Math.min(chunk.length(), to - chunkStart + 1);
          return response.write(chunk.slice(start, end));
        });
      });
    }
    chain.onSuccess(v -> response.end()).onFailure(err -> {
      if (!response.closed()) {
        LOG.warn("download of file {} failed: {}", fileId, err.toString());
        response.reset();
      }
    });
  }

  /** The stored file with this id in a room the user may read; null otherwise (all told the same: 404). */
  private Future<SharedFiles.Stored> readable(String idText, String user) {
    if (idText == null || !ID.matcher(idText).matches()) {
      return Future.succeededFuture();
    }
    return files.find(Long.parseLong(idText)).compose(file -> {
      RoomId room = file == null || !SharedFiles.STORED.equals(file.state()) ? null : RoomId.parse(file.room(), topics);
      if (room == null || !room.admits(user)) {
        return Future.succeededFuture();
      }
      return access.readable(room, user).map(file).otherwiseEmpty();
    });
  }

  // ---------------------------------------------------------------- delete

  /** The uploader's, or a moderator's of the channel it is in: the bytes go, and open pages are told. */
  private void delete(RoutingContext ctx) {
    String user = Requests.username(ctx);
    readable(ctx.pathParam("id"), user).compose(file -> {
      if (file == null) {
        return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such file"));
      }
      return mayDelete(file, user).compose(may -> may ? Future.succeededFuture(file)
        : Future.failedFuture(Failure.forbidden("only who shared it, or a moderator of the channel, removes a file")));
    }).compose(file -> files.remove(file.id()).compose(removed -> files.messageOf(file.id())).map(message -> {
      vertx.eventBus().publish(Addresses.room(file.room()), new JsonObject().put("type", "file.removed")
        .put("room", file.room()).put("message", message).put("file", file.id()).encode());
      return file;
    })).onSuccess(file -> Replies.noContent(ctx)).onFailure(err -> Replies.failure(ctx, err));
  }

  private Future<Boolean> mayDelete(SharedFiles.Stored file, String user) {
    if (file.uploaderKey().equals(RoomId.key(user))) {
      return Future.succeededFuture(true);
    }
    if (RoomId.parse(file.room(), topics) instanceof RoomId.Channel channel) {
      return access.channel(channel.name()).map(snapshot -> ChannelRules.moderates(snapshot.roles().get(RoomId.key(user))));
    }
    return Future.succeededFuture(false);
  }
}
