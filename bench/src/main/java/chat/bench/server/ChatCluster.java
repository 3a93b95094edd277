package chat.bench.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

/**
 * Chat nodes as an operator runs them: one HSQLDB server process, and {@code java -jar chat.jar -conf
 * nodeN.json} per node, from config files written into the run directory. One node runs unclustered (the
 * single-node deployment); two or more form a Hazelcast cluster over TCP on 127.0.0.1. bcryptCost is 4 so that
 * thousands of bench users are created in seconds, and the limits per client address (registrations, logins,
 * password checks at once, sockets) are lifted since every bench user logs in from 127.0.0.1 and thousands of
 * sockets come from 8 addresses; the per-user limits stay as shipped (the workloads keep under them). Nodes that
 * will have nginx in front of them trust 127.0.0.1 as a proxy (http.trustedProxies), the address nginx reaches them
 * from; they then take each client's own address (127.0.0.2..) from X-Forwarded-For.
 */
public final class ChatCluster implements Target {

  /** A node's start line, with its id in the cluster. */
  private static final Pattern NODE_STARTED = Pattern.compile("chat node (\\S+) started: ");

  private final List<Proc> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  /** Each node's java arguments (JVM options, jar, config file), to start it again as it was. */
  private final List<List<String>> commands = new ArrayList<>();
  private Path dir;
  private int restarts;
  private Proc database;
  private String version = "chat.jar";

  private ChatCluster() {
  }

  public static ChatCluster start(Path runDir, Path chatJar, int nodeCount, List<String> topics, List<String> jvmOptions,
                                  boolean behindProxy) {
    ChatCluster cluster = new ChatCluster();
    try {
      cluster.launch(runDir, chatJar, nodeCount, topics, jvmOptions, behindProxy);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(Path runDir, Path chatJar, int nodeCount, List<String> topics, List<String> jvmOptions,
                      boolean behindProxy) {
    dir = runDir.resolve("chat-" + nodeCount + "n-" + System.currentTimeMillis());
    Path jar = dir.resolve("chat.jar");
    copyWhole(chatJar, jar);
    version = describe(chatJar, jar);
    int dbPort = Ports.free();
    database = Proc.start(dir, "db", List.of("-cp", jar.toString(), "org.hsqldb.server.Server",
      "--database.0", "file:" + dir.resolve("db").resolve("chat"), "--dbname.0", "chat",
      "--address", "127.0.0.1", "--port", String.valueOf(dbPort)));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Ports.listening(dbPort)) {
      if (!database.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("database server did not start; its log ends:\n" + database.logTail(20));
      }
      Health.sleep(200);
    }

    List<Integer> hazelcastPorts = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      ports.add(Ports.free());
      hazelcastPorts.add(Ports.free());
    }
    JsonArray members = new JsonArray();
    hazelcastPorts.forEach(p -> members.add("127.0.0.1:" + p));
    String clusterName = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < nodeCount; i++) {
      JsonObject http = new JsonObject().put("host", "127.0.0.1").put("port", ports.get(i));
      if (behindProxy) {
        // only then: a chat.jar from before the key existed refuses a config that has it
        http.put("trustedProxies", new JsonArray().add("127.0.0.1"));
      }
      JsonObject config = new JsonObject()
        .put("http", http)
        .put("db", new JsonObject().put("url", "jdbc:hsqldb:hsql://127.0.0.1:" + dbPort + "/chat"))
        .put("security", new JsonObject().put("bcryptCost", 4).put("registrationsPerAddress", 1_000_000)
          .put("loginsPerAddress", 1_000_000).put("loginFailuresPerAddress", 1_000_000)
          .put("passwordChecksAtOncePerAddress", 1_000_000)
          .put("socketsPerAddress", 1_000_000))
        .put("rooms", new JsonArray(new ArrayList<>(topics)));
      if (nodeCount > 1) {
        config.put("cluster", new JsonObject().put("enabled", true).put("host", "127.0.0.1")
          .put("port", hazelcastPorts.get(i)).put("members", members).put("name", clusterName));
      }
      String name = "node" + (i + 1);
      Path file = dir.resolve(name + ".json");
      try {
        Files.writeString(file, config.encodePrettily());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      List<String> args = new ArrayList<>(jvmOptions);
      args.addAll(List.of("-jar", jar.toString(), "-conf", file.toString()));
      commands.add(args);
      nodes.add(Proc.start(dir, name, args));
    }
    awaitWhole(180);
    // a node that joined orders no room for its first cluster.warmUpSeconds: the measuring starts with the rooms
    // spread over the nodes as they are in a running cluster (after a restart, W8 measures the warm-up itself)
    Health.await(nodes, ports, body -> !body.contains("\"warmingUp\":true"), 180);
  }

  /**
   * Node {@code i}'s id in the cluster (the id its start line logs: a new one at every start), or null when its log
   * does not say.
   */
  public String nodeId(int i) {
    Path log = dir.resolve(nodes.get(i).name + ".log");
    try (Stream<String> lines = Files.lines(log)) {
      return lines.map(NODE_STARTED::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst().orElse(null);
    } catch (IOException | UncheckedIOException e) {
      return null;
    }
  }

  /** Waits until every node's /health says UP and counts all of them in the cluster. */
  public void awaitWhole(long timeoutSeconds) {
    String size = "\"clusterSize\":" + nodes.size();
    Health.await(nodes, ports, body -> body.contains("\"status\":\"UP\"") && body.contains(size), timeoutSeconds);
  }

  /**
   * Stops node {@code i} (from 0) as an operator does: SIGTERM, so that it closes its sockets and leaves the cluster;
   * false when it was still there after the grace period and had to be killed.
   */
  public boolean stopNode(int i) {
    return nodes.get(i).stop();
  }

  /**
   * Starts node {@code i} again from the same config file (same port, same cluster) and JVM options, as a rolling
   * restart does; the stopped run's log and GC log are kept beside it. Returns at once: {@link #awaitWhole} waits.
   */
  public Proc startNode(int i) {
    String name = nodes.get(i).name;
    restarts++;
    for (String log : List.of(name + ".log", name + "-gc.log")) {
      Path file = dir.resolve(log);
      try {
        if (Files.exists(file)) {
          Files.move(file, dir.resolve(log.replace(".log", "-before-restart-" + restarts + ".log")),
            StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Proc node = Proc.start(dir, name, commands.get(i));
    nodes.set(i, node);
    return node;
  }

  /**
   * A private copy of chat.jar, so that a rebuild of target/chat.jar during the run cannot pull classes from under
   * the nodes; a jar caught half-written by such a rebuild is copied again once the build is done.
   */
  private static void copyWhole(Path chatJar, Path copy) {
    long deadline = System.nanoTime() + 180_000_000_000L;
    while (true) {
      try {
        Files.createDirectories(copy.getParent());
        Files.copy(chatJar, copy, StandardCopyOption.REPLACE_EXISTING);
        try (ZipFile zip = new ZipFile(copy.toFile())) {
          if (zip.getEntry("chat/app/Main.class") != null && zip.getEntry("org/hsqldb/server/Server.class") != null) {
            return;
          }
        }
      } catch (IOException e) {
        // half-written: try again below
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(chatJar + " is not a complete chat.jar (build it: mvn -q -B package -DskipTests)");
      }
      System.out.println("  " + chatJar + " is being rebuilt; waiting for a complete jar");
      Health.sleep(5000);
    }
  }

  @Override
  public String kind() {
    return "chat";
  }

  @Override
  public List<Integer> ports() {
    return ports;
  }

  @Override
  public List<Proc> processes() {
    List<Proc> all = new ArrayList<>(nodes);
    if (database != null) {
      all.add(database);
    }
    return all;
  }

  @Override
  public List<Proc> nodes() {
    return nodes;
  }

  @Override
  public String version() {
    return version;
  }

  /**
   * chat.jar's build time and hash, and the repository's commit then: the server changes under the benchmark,
   * so every series says which build it measured.
   */
  private static String describe(Path chatJar, Path copy) {
    String hash;
    String built;
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      hash = java.util.HexFormat.of().formatHex(sha.digest(Files.readAllBytes(copy))).substring(0, 10);
      built = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(java.time.ZoneOffset.UTC)
        .format(Files.getLastModifiedTime(chatJar).toInstant()) + " UTC";
    } catch (Exception e) {
      return "chat.jar";
    }
    // the jar holds at least the newest commit made before it was built (and maybe uncommitted work)
    String commit;
    try {
      commit = git(chatJar, "log", "-1", "--format=%h %s", "--before=" + Files.getLastModifiedTime(chatJar).toInstant());
    } catch (IOException e) {
      commit = "";
    }
    return "chat.jar built " + built + " (sha256 " + hash + ")" + (commit.isBlank() ? ""
      : ", after commit " + commit.trim());
  }

  private static String git(Path chatJar, String... args) {
    try {
      java.util.List<String> command = new ArrayList<>(List.of("git", "-C", chatJar.toAbsolutePath().getParent().getParent().toString()));
      command.addAll(List.of(args));
      Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes());
      return git.waitFor() == 0 ? out : "";
    } catch (Exception e) {
      return "";
    }
  }

  @Override
  public boolean needsAccounts() {
    return true;
  }

  @Override
  public void close() {
    nodes.forEach(Proc::stop);
    if (database != null) {
      database.stop();
    }
  }
}
