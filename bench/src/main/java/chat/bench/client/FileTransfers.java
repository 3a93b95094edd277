package chat.bench.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Shared files over the chat's HTTP API (issue 17), moved as the page moves them: an upload is one
 * {@code multipart/form-data} {@code POST /api/rooms/<room>/files} with a part named {@code file}, its random
 * bytes made as they are sent (never held whole) and written as fast as the connection takes them; a download is
 * {@code GET /files/<id>/<name>}, counted as it comes and dropped. Every answer is checked: 201 with the size sent,
 * 200 with the size stored, and, for the files asked for, the SHA-256 of what was sent against what came back and
 * against the server's ETag. Runs on an event loop of its own, so that transfers never delay the chat clients'
 * timers and frames on the fleet's loops (the two still share the machine's cores).
 */
public final class FileTransfers implements AutoCloseable {

  /** What one request body write carries: the size of the browser's reads of a file, more or less. */
  static final int WRITE_BYTES = 64 * 1024;
  static final long IDLE_TIMEOUT_MS = 60_000;
  public static final long BATCH_TIMEOUT_MINUTES = 5;

  /** Someone who shares and downloads files: a logged-in user and the node it logged in on. */
  public record Person(Accounts.User user, Endpoint home) {
  }

  /** A file the bench shared: its id and name as the server answered, its size, who uploaded it, and its hash. */
  public record Shared(long id, String name, long size, int uploader, String sha256) {
  }

  /**
   * Transfers made together: how many, their bytes, the wall time from the first start to the last end, each
   * one's time (µs), how many failed and the first failure, and the files uploaded (empty for downloads).
   */
  public record Batch(int count, long bytes, double seconds, Histogram perTransfer, int failed, String firstFailure,
                      List<Shared> files) {

    public double megabytesPerSecond() {
      return seconds == 0 ? 0 : bytes / 1e6 / seconds;
    }
  }

  private final Vertx vertx;
  private final Context loop;
  private final HttpClient http;
  private final List<Person> users;

  /** Transfers by these people, each on its own node, at most {@code connections} at a time per node. */
  public FileTransfers(List<Person> users, int connections) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    this.loop = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(connections));
    this.users = users;
  }

  /**
   * {@code count} files of {@code size} random bytes into the room, named prefix-f.bin, at most {@code atOnce} at a
   * time; file f by user f % users (so that no user has two uploads in flight while atOnce is at most the number of
   * users). The files whose index is in {@code hashed} keep the SHA-256 of what was sent.
   */
  public Batch upload(String room, String prefix, int count, long size, int atOnce, List<Integer> hashed)
    throws Exception {
    return run(count, atOnce, Long.MAX_VALUE, f -> upload(room, prefix + "-" + f + ".bin", f % users.size(), size,
      hashed.contains(f)));
  }

  /**
   * {@code count} downloads, at most {@code atOnce} at a time: download d is of file d % files by user
   * (d + 1) % users, so that each node serves its share. The files with a hash are hashed again as they come.
   */
  public Batch download(List<Shared> files, int count, int atOnce) throws Exception {
    return run(count, atOnce, Long.MAX_VALUE, d -> download(files.get(d % files.size()), (d + 1) % users.size()));
  }

  /**
   * Downloads without a pause from {@code startNanos} ({@link System#nanoTime()}) until {@code endNanos}, at most
   * {@code atOnce} at a time, in the order of {@link #download(List, int, int)}, without hashing (the check of
   * what they carry is the size). Each slot starts a new download as soon as its last one ended, until the end;
   * the ones under way then finish. Returns at once: the batch completes when the last one has ended.
   */
  public Future<Batch> downloadDuring(List<Shared> files, long startNanos, long endNanos, int atOnce) {
    List<Shared> unhashed = files.stream().map(f -> new Shared(f.id(), f.name(), f.size(), f.uploader(), null))
      .toList();
    Promise<Batch> batch = Promise.promise();
    long delayMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(startNanos - System.nanoTime()));
    vertx.setTimer(delayMs, id -> loop.runOnContext(v -> inTurn(Integer.MAX_VALUE, atOnce, endNanos,
      d -> download(unhashed.get(d % unhashed.size()), (d + 1) % users.size())).onComplete(batch)));
    return batch.future();
  }

  /** One result of a transfer: its bytes, and the file it uploaded (null for a download). */
  private record Done(long bytes, Shared file) {
  }

  private Batch run(int count, int atOnce, long endNanos, IntFunction<Future<Done>> transfer) throws Exception {
    Promise<Batch> batch = Promise.promise();
    loop.runOnContext(v -> inTurn(count, atOnce, endNanos, transfer).onComplete(batch));
    return batch.future().await(BATCH_TIMEOUT_MINUTES, TimeUnit.MINUTES);
  }

  /**
   * Transfers 0..count-1 (or until endNanos), at most atOnce at a time, on this loop (so no locks); fails only
   * when it cannot start, a failed transfer is counted.
   */
  private Future<Batch> inTurn(int count, int atOnce, long endNanos, IntFunction<Future<Done>> transfer) {
    Promise<Batch> all = Promise.promise();
    Histogram times = new Histogram(3_600_000_000L, 3);
    List<Shared> files = new ArrayList<>();
    long started = System.nanoTime();
    class Slots {
      int next;
      int running;
      int done;
      int failed;
      long bytes;
      String firstFailure;

      void fill() {
        while (running < atOnce && next < count && System.nanoTime() < endNanos) {
          int index = next++;
          running++;
          long t0 = System.nanoTime();
          transfer.apply(index).onComplete(result -> {
            running--;
            done++;
            if (result.succeeded()) {
              times.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
              bytes += result.result().bytes();
              if (result.result().file() != null) {
                files.add(result.result().file());
              }
            } else {
              failed++;
              if (firstFailure == null) {
                firstFailure = result.cause().getMessage();
              }
            }
            fill();
          });
        }
        if (running == 0) {
          files.sort((a, b) -> Long.compare(a.id(), b.id()));
          all.tryComplete(new Batch(done, bytes, (System.nanoTime() - started) / 1e9, times, failed, firstFailure,
            List.copyOf(files)));
        }
      }
    }
    new Slots().fill();
    return all.future();
  }

  // ---------------------------------------------------------------- upload

  private Future<Done> upload(String room, String name, int user, long size, boolean hash) {
    String boundary = "chat-bench-boundary-" + Long.toHexString(System.nanoTime());
    Buffer head = Buffer.buffer("--" + boundary + "\r\n"
      + "Content-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n");
    Buffer tail = Buffer.buffer("\r\n--" + boundary + "--\r\n");
    RequestOptions options = request(HttpMethod.POST, user, "/api/rooms/" + room + "/files")
      .putHeader(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary)
      .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(head.length() + size + tail.length()));
    MessageDigest sha256 = hash ? sha256() : null;
    return http.request(options).compose(request -> {
      Body body = new Body(request, size, new SplittableRandom(System.nanoTime()), sha256, tail);
      request.write(head);
      body.pump();
      return request.response().compose(response -> {
        body.answered = true;
        return response.body().map(answer -> {
          if (body.sent <= size) {
            // answered before the whole body was sent (a refusal): this request ends here
            request.reset();
          }
          return uploaded(response, answer, name, size, user, sha256);
        });
      });
    });
  }

  /** The 201 and its message, checked against what was sent. */
  private static Done uploaded(HttpClientResponse response, Buffer answer, String name, long size, int user,
                               MessageDigest sha256) {
    if (response.statusCode() != 201) {
      throw new IllegalStateException("upload of " + name + ": HTTP " + response.statusCode() + " " + answer);
    }
    JsonObject file = answer.toJsonObject().getJsonObject("file");
    if (file == null || file.getLong("id") == null || !Long.valueOf(size).equals(file.getLong("size"))) {
      throw new IllegalStateException("upload of " + name + ": 201 without the file of " + size + " bytes: " + answer);
    }
    String hash = sha256 == null ? null : HexFormat.of().formatHex(sha256.digest());
    return new Done(size, new Shared(file.getLong("id"), file.getString("name"), size, user, hash));
  }

  /** A file part's random bytes, made and written as the connection takes them. */
  private static final class Body {
    final HttpClientRequest request;
    final long size;
    final SplittableRandom random;
    final MessageDigest sha256;
    final Buffer tail;
    long sent;
    /** The server has answered: an early refusal (429, 413) is not fed the rest of the body. */
    boolean answered;

    Body(HttpClientRequest request, long size, SplittableRandom random, MessageDigest sha256, Buffer tail) {
      this.request = request;
      this.size = size;
      this.random = random;
      this.sha256 = sha256;
      this.tail = tail;
      request.drainHandler(v -> pump());
    }

    void pump() {
      while (!answered && sent < size && !request.writeQueueFull()) {
        byte[] bytes = new byte[(int) Math.min(WRITE_BYTES, size - sent)];
        random.nextBytes(bytes);
        if (sent == 0) {
          // never a picture's signature by chance: a random file is shared as it is, without a thumbnail
          bytes[0] = 0;
        }
        if (sha256 != null) {
          sha256.update(bytes);
        }
        sent += bytes.length;
        request.write(Buffer.buffer(bytes));
      }
      if (!answered && sent == size) {
        sent++;
        request.end(tail);
      }
    }
  }

  // ---------------------------------------------------------------- download

  private Future<Done> download(Shared file, int user) {
    String what = "download of file " + file.id() + " by user " + user;
    MessageDigest sha256 = file.sha256() == null ? null : sha256();
    return http.request(request(HttpMethod.GET, user, "/files/" + file.id() + "/" + file.name()))
      .compose(HttpClientRequest::send)
      .compose(response -> {
        if (response.statusCode() != 200) {
          return response.body().compose(answer -> Future.failedFuture(what + ": HTTP " + response.statusCode() + " "
            + answer));
        }
        Promise<Done> done = Promise.promise();
        long[] bytes = {0};
        response.handler(data -> {
          bytes[0] += data.length();
          if (sha256 != null) {
            sha256.update(data.getBytes());
          }
        });
        response.exceptionHandler(done::tryFail);
        response.endHandler(v -> {
          if (bytes[0] != file.size()) {
            done.tryFail(what + ": " + bytes[0] + " bytes, " + file.size() + " were uploaded");
            return;
          }
          if (sha256 != null) {
            String got = HexFormat.of().formatHex(sha256.digest());
            String etag = response.getHeader(HttpHeaders.ETAG);
            if (!got.equals(file.sha256()) || !("\"" + got + "\"").equals(etag)) {
              done.tryFail(what + ": SHA-256 " + got + " as downloaded, " + file.sha256() + " as uploaded, ETag "
                + etag);
              return;
            }
          }
          done.tryComplete(new Done(bytes[0], null));
        });
        return done.future();
      });
  }

  // ---------------------------------------------------------------- common

  private RequestOptions request(HttpMethod method, int user, String uri) {
    Person person = users.get(user);
    return new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(person.home().port()).setURI(uri)
      .setIdleTimeout(IDLE_TIMEOUT_MS).putHeader(HttpHeaders.COOKIE, person.user().cookie());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }
}
