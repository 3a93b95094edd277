package chat.bench;

import chat.bench.client.Accounts;
import chat.bench.client.Conn;
import chat.bench.client.Endpoint;
import chat.bench.client.FileTransfers;
import chat.bench.client.StepPlan;
import chat.bench.server.Proc;
import chat.bench.server.Target;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Files (issue 17): how fast shared files go in and out of the chat, and what a download costs a busy room. On 1
 * node (unclustered) and on 2 (Hazelcast, one database server), the bytes in the database as shipped (256 KiB rows
 * of {@code file_chunks}):
 * <ol>
 * <li>uploads: 8 users share 32 files of 25 MiB (4 each) in the global room, 4 at a time;</li>
 * <li>downloads: each file twice, 8 at a time, by the same users, so that both nodes serve;</li>
 * <li>a busy room: 500 members in the global room at 10,000 deliveries/s, one step without downloads, then one
 *     with 8 downloads at a time running without a pause for the whole step.</li>
 * </ol>
 * The shipped file limits are kept: 25 MiB is files.maxBytes exactly, 100 MiB per user is a tenth of
 * files.quotaBytes, one upload at a time per user is under files.uploadsAtOnce, and a file every few seconds per
 * user is far under the send rate a file counts against. The sharers are not among the room's senders.
 */
final class FilesWorkload {

  static final int MEMBERS = 500;
  static final int SHARERS = 8;
  static final int FILES = 32;
  static final long FILE_BYTES = 25L * 1024 * 1024;
  static final int UPLOADS_AT_ONCE = 4;
  static final int DOWNLOADS_AT_ONCE = 8;
  static final long DELIVERIES = 10_000;
  static final String ROOM = "global";
  /** Shared, then downloaded in four waves of eight, before anything is measured: the measured meet compiled code. */
  static final int WARM_UP_FILES = 2;
  static final int WARM_UP_DOWNLOADS = 4 * DOWNLOADS_AT_ONCE;
  /** How often each file is downloaded in the measured downloads: long enough that ramp and tail do not rule. */
  static final int DOWNLOADS_PER_FILE = 2;

  private FilesWorkload() {
  }

  static JsonArray files(Harness h) throws Exception {
    JsonArray series = new JsonArray();
    for (int nodes : List.of(1, 2)) {
      Target t = h.chat(nodes, Workloads.DEFAULT_TOPICS, List.of());
      series.add(series(h, t, nodes));
      h.stop(t);
      if (h.outOfTime()) {
        break;
      }
    }
    return series;
  }

  private static JsonObject series(Harness h, Target t, int nodes) throws Exception {
    String title = nodes == 1 ? "chat, 1 node (unclustered)" : "chat, " + nodes + " nodes";
    System.out.printf("%n[files] %s%n", title);
    JsonObject s = h.series("files-" + nodes, t, title).put("members", MEMBERS);
    JsonArray notes = s.getJsonArray("notes");
    notes.add(String.format("the nodes run the shipped file limits, none of which the bench reaches: %d MiB files are"
        + " files.maxBytes exactly, %d MiB per user a tenth of files.quotaBytes, one upload at a time per user under"
        + " files.uploadsAtOnce (3), a file every few seconds per user far under the send rate (10/s) a file counts"
        + " against; the %d sharers are not among the room's senders", FILE_BYTES >> 20,
      (FILES / SHARERS) * FILE_BYTES >> 20, SHARERS));
    // the sharers log in after the room's members, each on its node as the members are (user i on node i % nodes)
    List<Accounts.User> users = h.users(t, MEMBERS + SHARERS);
    List<Endpoint> endpoints = t.endpoints();
    List<FileTransfers.Person> sharers = new ArrayList<>();
    for (int k = MEMBERS; k < MEMBERS + SHARERS; k++) {
      sharers.add(new FileTransfers.Person(users.get(k), endpoints.get(k % endpoints.size())));
    }
    try (FileTransfers files = new FileTransfers(sharers, DOWNLOADS_AT_ONCE)) {
      FileTransfers.Batch warm = files.upload(ROOM, "warm-up", WARM_UP_FILES, FILE_BYTES, WARM_UP_FILES, List.of());
      FileTransfers.Batch warmDown = files.download(warm.files(), WARM_UP_DOWNLOADS, DOWNLOADS_AT_ONCE);
      System.out.printf("  warm-up: %d files shared at %.1f MB/s, downloaded %d times at %.1f MB/s%s%n", warm.count(),
        warm.megabytesPerSecond(), warmDown.count(), warmDown.megabytesPerSecond(),
        warm.failed() + warmDown.failed() > 0 ? " (failed: " + first(warm, warmDown) + ")" : "");
      System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));

      Map<Proc, Double> cpu = Measure.cpu(h.processes(t));
      // the first file's bytes are hashed as they are sent, and again as they come back
      FileTransfers.Batch up = files.upload(ROOM, "shared", FILES, FILE_BYTES, UPLOADS_AT_ONCE, List.of(0));
      JsonObject uploads = batch(up, cpu, h.processes(t)).put("fileBytes", FILE_BYTES).put("users", SHARERS)
        .put("atOnce", UPLOADS_AT_ONCE);
      s.put("uploads", uploads);
      print("uploads", uploads);
      if (up.files().isEmpty()) {
        throw new IllegalStateException("no upload succeeded: " + up.firstFailure());
      }
      System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));

      cpu = Measure.cpu(h.processes(t));
      FileTransfers.Batch down = files.download(up.files(), DOWNLOADS_PER_FILE * up.files().size(),
        DOWNLOADS_AT_ONCE);
      JsonObject downloads = batch(down, cpu, h.processes(t)).put("atOnce", DOWNLOADS_AT_ONCE);
      s.put("downloads", downloads);
      print("downloads", downloads);
      FileTransfers.Shared hashed = up.files().stream().filter(f -> f.sha256() != null).findFirst().orElse(null);
      notes.add(String.format("%d of %d uploads answered 201 with the size sent; %d of %d downloads gave the size"
          + " stored%s", up.count() - up.failed(), up.count(), down.count() - down.failed(), down.count(),
        hashed == null || down.failed() > 0 ? ""
          : "; the SHA-256 of file " + hashed.id() + " (" + hashed.name() + ") as downloaded is that of the bytes"
          + " sent, and its ETag"));
      failures(notes, "uploads", up);
      failures(notes, "downloads", down);
      System.out.printf("  servers quiet after %.0f s%n", h.awaitQuiet(t));

      busyRoom(h, t, s, files, up.files());
    }
    return s;
  }

  /** The room's step without downloads, then the same step with downloads running all through it. */
  private static void busyRoom(Harness h, Target t, JsonObject s, FileTransfers files,
                               List<FileTransfers.Shared> shared) throws Exception {
    List<Conn> conns = h.conns(t, MEMBERS, i -> ROOM, i -> List.of("chat.room." + ROOM));
    s.put("connect", h.connect(t, conns, 200, false));
    double msgs = DELIVERIES / (double) MEMBERS;
    int seconds = h.options.stepSecondsOr(20);
    String name = "files " + s.getString("id").substring("files-".length()) + "n";
    // as W2 and W3: until the JIT compilers are done with the room's path, so that neither step measures them
    Workloads.warmUp(h, t, Workloads.globalPlan(conns, msgs, 1, List.of()).rooms());
    JsonArray steps = s.getJsonArray("steps");
    JsonObject quiet = Measure.step(h.fleet, h.processes(t), Workloads.globalPlan(conns, msgs, seconds, List.of()),
      Workloads.DRAIN_SECONDS, name + " no downloads", c -> { });
    steps.add(quiet.put("variant", "no downloads"));

    StepPlan plan = Workloads.globalPlan(conns, msgs, seconds, List.of());
    Future<FileTransfers.Batch> during = files.downloadDuring(shared, plan.startNanos(), plan.endNanos(),
      DOWNLOADS_AT_ONCE);
    JsonObject busy = Measure.step(h.fleet, h.processes(t), plan, Workloads.DRAIN_SECONDS,
      name + " with downloads", c -> { });
    FileTransfers.Batch down = during.await(FileTransfers.BATCH_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    JsonObject downloads = batch(down, null, null).put("atOnce", DOWNLOADS_AT_ONCE);
    steps.add(busy.put("variant", DOWNLOADS_AT_ONCE + " downloads at a time").put("downloads", downloads));
    print("downloads during the step", downloads);
    failures(s.getJsonArray("notes"), "downloads during the busy step", down);
    h.fleet.closeAll();
  }

  /** A batch's figures; with the CPU counters taken before it, each process's CPU seconds during it. */
  private static JsonObject batch(FileTransfers.Batch b, Map<Proc, Double> cpuBefore, List<Proc> procs) {
    JsonObject json = new JsonObject().put("transfers", b.count()).put("failed", b.failed())
      .put("bytes", b.bytes()).put("seconds", Measure.round(b.seconds(), 2))
      .put("mbPerSecond", Measure.round(b.megabytesPerSecond(), 1))
      .put("perTransferMs", Measure.percentiles(b.perTransfer()));
    if (b.firstFailure() != null) {
      json.put("firstFailure", b.firstFailure());
    }
    if (cpuBefore != null) {
      Map<Proc, Double> after = Measure.cpu(procs);
      JsonObject cpu = new JsonObject();
      procs.forEach(p -> cpu.put(p.name, Measure.round(after.get(p) - cpuBefore.get(p), 2)));
      json.put("cpuSeconds", cpu);
    }
    return json;
  }

  private static void print(String what, JsonObject batch) {
    JsonObject ms = batch.getJsonObject("perTransferMs");
    System.out.printf("  = %-28s %d (%d failed), %,.0f MB in %.1f s: %.1f MB/s, each p50 %s p99 %s ms%s%n", what,
      batch.getInteger("transfers"), batch.getInteger("failed"), batch.getLong("bytes") / 1e6,
      batch.getDouble("seconds"), batch.getDouble("mbPerSecond"), ms.getValue("p50"), ms.getValue("p99"),
      batch.containsKey("cpuSeconds") ? ", CPU s " + batch.getJsonObject("cpuSeconds").encode() : "");
  }

  private static void failures(JsonArray notes, String what, FileTransfers.Batch b) {
    if (b.failed() > 0) {
      notes.add(String.format("%d of %d %s failed; the first: %s", b.failed(), b.count(), what, b.firstFailure()));
    }
  }

  private static String first(FileTransfers.Batch a, FileTransfers.Batch b) {
    return a.firstFailure() != null ? a.firstFailure() : b.firstFailure();
  }
}
