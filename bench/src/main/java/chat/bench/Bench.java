package chat.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar bench.jar <workload> [options]} (run through bin/bench): starts the servers each workload
 * measures, drives them, stops them, and writes the results into bench/results/ and BENCHMARKS.md.
 */
public final class Bench {

  private Bench() {
  }

  @FunctionalInterface
  private interface Workload {
    JsonArray run(Harness harness) throws Exception;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    int status;
    try {
      Files.createDirectories(options.runDir());
      status = run(options);
    } catch (Exception e) {
      System.err.println("bench: " + e.getMessage());
      e.printStackTrace(System.err);
      status = 1;
    }
    System.exit(status);
  }

  private static int run(Options options) throws Exception {
    JsonObject machine = Machine.describe();
    System.out.println("machine: " + Machine.line(machine));
    System.out.println("clients and servers share these cores: the numbers are for this one box, not for a server alone");
    if (options.workload().equals("smoke")) {
      return smoke(options, machine);
    }
    if (options.workload().equals("report")) {
      return redraw(options);
    }
    List<String> workloads = options.workload().equals("all") ? List.of("w1", "w2", "w3", "w4", "w5", "w6", "w7",
      "files", "w8", "w9") : List.of(options.workload());
    int status = 0;
    for (String workload : workloads) {
      try {
        JsonArray series = measure(options, workload, switch (workload) {
          case "w1" -> Workloads::w1;
          case "w2" -> Workloads::w2;
          case "w3" -> Workloads::w3;
          case "w4" -> Workloads::w4;
          case "w5" -> Workloads::w5;
          case "w6" -> Workloads::w6;
          case "w7" -> Workloads::w7;
          case "w8" -> ChurnWorkload::w8;
          case "w9" -> ScaleWorkload::w9;
          default -> FilesWorkload::files;
        });
        record(options, options.resultsName(workload), series, machine);
      } catch (Exception e) {
        // the whole trace: W9's baseline failed twice with nothing but "null" to go on
        System.err.println("bench: " + workload + " failed: " + e);
        e.printStackTrace();
        status = 1;
      }
    }
    return status;
  }

  private static JsonArray measure(Options options, String workload, Workload body) throws Exception {
    long t0 = System.nanoTime();
    try (Harness harness = new Harness(options, workload)) {
      return body.run(harness);
    } finally {
      System.out.printf("%s done in %.0f s%n", workload, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static void record(Options options, String workload, JsonArray series, JsonObject machine) throws Exception {
    if (!options.writeReport()) {
      System.out.println(Report.section(workload, results(workload, series, machine)));
      return;
    }
    Path results = options.repo().resolve("bench/results");
    JsonObject all = Report.merge(results, workload, series, machine);
    Path markdown = options.repo().resolve("BENCHMARKS.md");
    Report.write(markdown, workload, all);
    System.out.println("wrote " + options.repo().relativize(markdown) + " and bench/results/" + workload + ".json");
    if (workload.equals("w1")) {
      Plot.draw(all, before(results), results.resolve("p99-vs-rate.png"));
      System.out.println("wrote bench/results/p99-vs-rate.png");
    }
  }

  private static JsonObject results(String workload, JsonArray series, JsonObject machine) {
    JsonObject bySeries = new JsonObject();
    series.forEach(o -> bySeries.put(((JsonObject) o).getString("id"), ((JsonObject) o).copy().put("machine",
      Machine.line(machine))));
    return new JsonObject().put("workload", workload).put("series", bySeries);
  }

  /** Regenerates the BENCHMARKS.md blocks and the plot from bench/results/*.json, measuring nothing. */
  private static int redraw(Options options) throws Exception {
    Path results = options.repo().resolve("bench/results");
    for (String workload : List.of("w1-stock-bridge", "w1", "w1-nginx", "w2", "w3", "w4", "w5", "w6", "w7",
      "files", "w8", "w9")) {
      Path file = results.resolve(workload + ".json");
      if (Files.exists(file)) {
        JsonObject all = new JsonObject(Files.readString(file));
        Report.write(options.repo().resolve("BENCHMARKS.md"), workload, all);
        if (workload.equals("w1")) {
          Plot.draw(all, before(results), results.resolve("p99-vs-rate.png"));
        }
        System.out.println("redrew " + workload);
      }
    }
    return 0;
  }

  /** W1 as measured on an earlier server build (the stock SockJS bridge), kept to show before and after; or null. */
  private static JsonObject before(Path results) throws java.io.IOException {
    Path file = results.resolve("w1-stock-bridge.json");
    return Files.exists(file) ? new JsonObject(Files.readString(file)) : null;
  }

  /** Tiny load through the whole tool; non-zero exit when anything was lost, refused, duplicated or reordered. */
  private static int smoke(Options options, JsonObject machine) throws Exception {
    JsonArray series = measure(options, "smoke", Workloads::smoke);
    JsonObject results = results("w1", series, machine);
    System.out.println(Report.section("smoke", results));
    // the plot code runs too, into the run directory, so that it cannot rot either
    Plot.draw(results, null, options.runDir().resolve("smoke-plot.png"));
    boolean passed = Workloads.smokePassed(series);
    if (!passed) {
      System.out.println(series.encodePrettily());
    }
    System.out.println(passed ? "smoke: passed (every message reached every member once, in order)"
      : "smoke: FAILED (see the table above)");
    return passed ? 0 : 1;
  }
}
