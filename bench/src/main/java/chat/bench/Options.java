package chat.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command line of bench.jar (bin/bench passes the repository, run directory and the command it was given). */
public record Options(
  String workload,
  Path repo,
  Path runDir,
  String command,
  List<Integer> members,
  int stepSeconds,
  int clientLoops,
  int sourceAddresses,
  boolean profile,
  List<String> targets,
  boolean writeReport,
  int maxMinutes,
  List<String> via) {

  static final String USAGE = """
    usage: bin/bench <smoke|w1|w2|w3|w4|w5|w6|w7|files|w8|w9|all|report> [options]
      (files: 25 MiB uploads and downloads on 1 and 2 nodes, and a busy room with and without downloads;
       w8: chat only, 2,000 members at 20,000 deliveries/s while node2 restarts, then while 500 members
           reconnect at once, each measured per second from 10 s before to --step-seconds (default 60) after;
       w9: 20,000 sockets on 2 nodes, 200 rooms of 100, 1% sending; the clients in two processes;
       report: redraw BENCHMARKS.md blocks and the plot from bench/results/*.json without measuring)
      --members 500,2000,5000  W1 room sizes (default 500,2000,5000)
      --step-seconds N         length of one rate step (default per workload)
      --client-loops N         client event loops / verticles (default 2)
      --source-addresses N     loopback source addresses 127.0.0.2.. (default 8)
      --targets chat,baseline  which servers to measure (default both; W5 and W7 chat only; files has no baseline)
      --profile                JFR on chat node1 during the measured steps (W1-W3, W7), summary in bench/results/
      --no-report              do not touch BENCHMARKS.md and bench/results/
      --max-minutes N          give up a workload after N minutes (default 20)
      --via direct,nginx       W1 only: how the clients reach the chat nodes, each a series of its own (default
                               direct); nginx = bin/local-proxy (deploy/nginx/chat.conf, TLS) in front of them.
                               The baseline stays direct. A run with nginx writes the w1-nginx block and
                               bench/results/w1-nginx.json, not W1's
    environment: BENCH_NODE_JAVA_OPTIONS="..." extra JVM options for the chat nodes (e.g. a GC setting);
                 BENCH_KEEP_RUN=1 keeps configs and server logs (GC logs too) in the run directory
    """;

  static Options parse(String[] args) {
    if (args.length == 0) {
      throw new IllegalArgumentException(USAGE);
    }
    String workload = args[0].toLowerCase();
    Path repo = Path.of(".").toAbsolutePath().normalize();
    Path runDir = null;
    String command = "bin/bench " + String.join(" ", args);
    List<Integer> members = List.of(500, 2000, 5000);
    int stepSeconds = 0;
    int clientLoops = 2;
    int sourceAddresses = 8;
    boolean profile = false;
    List<String> targets = null;
    boolean writeReport = !workload.equals("smoke");
    if (args[0].equals("--help") || args[0].equals("-h")) {
      throw new IllegalArgumentException(USAGE);
    }
    int maxMinutes = 20;
    List<String> via = List.of("direct");
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--run-dir" -> runDir = Path.of(args[++i]).toAbsolutePath().normalize();
        case "--command" -> command = args[++i];
        case "--members" -> members = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::parseInt).toList();
        case "--step-seconds" -> stepSeconds = Integer.parseInt(args[++i]);
        case "--client-loops" -> clientLoops = Integer.parseInt(args[++i]);
        case "--source-addresses" -> sourceAddresses = Integer.parseInt(args[++i]);
        case "--targets" -> targets = new ArrayList<>(Arrays.asList(args[++i].split(",")));
        case "--profile" -> profile = true;
        case "--no-report" -> writeReport = false;
        case "--max-minutes" -> maxMinutes = Integer.parseInt(args[++i]);
        case "--via" -> via = Arrays.stream(args[++i].split(",")).map(String::trim).distinct().toList();
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    if (!List.of("smoke", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "files", "w8", "w9", "all",
      "report").contains(workload)) {
      throw new IllegalArgumentException("unknown workload " + workload + "\n" + USAGE);
    }
    if (via.isEmpty() || !List.of("direct", "nginx").containsAll(via)) {
      throw new IllegalArgumentException("--via: direct, nginx or direct,nginx");
    }
    if (!via.equals(List.of("direct")) && !workload.equals("w1")) {
      throw new IllegalArgumentException("--via: only W1 has a variant through nginx");
    }
    if (members.stream().anyMatch(n -> n < 2 || n > 9000)) {
      throw new IllegalArgumentException("--members: each from 2 to 9000");
    }
    if (runDir == null) {
      runDir = Path.of(System.getProperty("java.io.tmpdir"), "chat-bench-" + ProcessHandle.current().pid());
    }
    return new Options(workload, repo, runDir, command, members, stepSeconds, clientLoops, sourceAddresses, profile,
      targets, writeReport, maxMinutes, via);
  }

  /**
   * The results file and BENCHMARKS.md block a workload's run goes to: a W1 run through nginx has its own
   * (w1-nginx), so that its series, direct ones included, stand next to each other and W1's block keeps its run.
   */
  String resultsName(String workload) {
    return workload.equals("w1") && via.contains("nginx") ? "w1-nginx" : workload;
  }

  boolean measures(String target, boolean byDefault) {
    return targets == null ? byDefault : targets.contains(target);
  }

  int stepSecondsOr(int fallback) {
    return stepSeconds > 0 ? stepSeconds : fallback;
  }
}
