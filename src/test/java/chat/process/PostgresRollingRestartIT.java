package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's PostgreSQL cluster restarted one node at a time, as an operator does it: three processes from the built
 * jar on {@code conf/postgres-node1..3.json} (with free ports, a fresh database, a cluster name of their own and a
 * higher send limit), each in turn sent SIGTERM and started again, while three users keep chatting through whichever
 * nodes are in service and reconnect, like a page behind a load balancer, when their node closes their socket.
 * Users on the node being stopped send back to back from just before the signal until their socket closes, so the
 * drain always meets sends in flight.
 */
@DisabledIfSystemProperty(named = "chat.skipPostgresTests", matches = "true",
  disabledReason = "needs PostgreSQL at 127.0.0.1:5432")
class PostgresRollingRestartIT {

  private static final int NODES = 3;
  private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
  /** What the JVM exits with on SIGTERM once its shutdown hooks have run (128 + 15); a SIGKILL would be 137. */
  private static final int EXIT_AFTER_SIGTERM = 143;
  /** WebSocket's "service restart": the node tells the page to reconnect elsewhere. */
  private static final short SERVICE_RESTART = 1012;
  /** A member that leaves is dropped at once; one that vanished would only go after the 10 s heartbeat timeout. */
  private static final Duration LEAVE_SEEN_WITHIN = Duration.ofSeconds(5);
  /** Someone typing fast. */
  private static final Duration TYPING_PACE = Duration.ofMillis(200);
  /** Requests a user on a draining node keeps unanswered, so some are in flight whenever the node closes. */
  private static final int STREAM_WINDOW = 4;
  /** Acknowledged messages each user sends between two steps, so every step happens mid-conversation. */
  private static final int MESSAGES_PER_STEP = 8;
  /** Every chat loop ends by itself at this many messages even if the test never tells it to stop. */
  private static final int MAX_MESSAGES = 5000;
  private static final int MAX_ATTEMPTS = 20;
  /** A connection a stopping node accepts at the TCP level but never upgrades counts as refused after this. */
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  /** Ports in service, as a load balancer sees them: a node is taken out before it is stopped. */
  private final List<Integer> inService = new CopyOnWriteArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private volatile boolean chatting = true;
  /** The HTTP port of the node about to get SIGTERM: its users send back to back until it closes their sockets. */
  private volatile int drainingPort = -1;

  /** One node of the example cluster: its config as README's file with this test's ports, and its process. */
  private final class Node {
    final int number;
    final JsonObject config;
    NodeProcess process;

    Node(int number, JsonObject config) {
      this.number = number;
      this.config = config;
    }

    int port() {
      return config.getJsonObject("http").getInteger("port");
    }

    int metricsPort() {
      return config.getJsonObject("metrics").getInteger("port");
    }
  }

  @Test
  void everyNodeRestartedInTurnWhileUsersChatLosesAndDuplicatesNothing() throws InterruptedException {
    startExampleCluster();
    assertTrue(new Http(processes.vertx(), nodes.get(0).metricsPort()).get("/metrics").body().lines()
      .anyMatch(line -> line.startsWith("chat_")), "README's metrics check: chat_ lines on the node's metrics port");

    List<Chatter> chatters = new ArrayList<>();
    for (Node node : nodes) {
      String name = "user" + node.number;
      Http http = new Http(processes.vertx(), node.port()).signUp(name);
      chatters.add(new Chatter(name, http.cookie(), node.number - 1));
    }
    List<Thread> threads = chatters.stream().map(c -> new Thread(c, c.name)).toList();
    threads.forEach(Thread::start);
    try {
      awaitProgress(chatters);
      for (Node node : nodes) {
        drainAndRestart(node, chatters);
        awaitProgress(chatters);
      }
    } finally {
      chatting = false;
      for (Thread thread : threads) {
        thread.join(Duration.ofSeconds(60).toMillis());
      }
    }

    for (int i = 0; i < chatters.size(); i++) {
      Chatter chatter = chatters.get(i);
      assertFalse(threads.get(i).isAlive(), chatter.name + " still chatting");
      assertNull(chatter.failure, () -> chatter.name + " failed: " + stackTrace(chatter.failure));
      assertEquals(List.of(), chatter.refusals, chatter.name + ": no send refused other than retryably");
    }
    List<JsonObject> acknowledged = new ArrayList<>();
    chatters.forEach(c -> acknowledged.addAll(c.acknowledged));
    acknowledged.sort(Comparator.comparingLong(m -> m.getLong("id")));
    List<Long> acknowledgedIds = acknowledged.stream().map(m -> m.getLong("id")).toList();

    assertEquals(acknowledged, storedHistory(chatters.get(0)), "every acknowledged message stored once, in order");
    for (Chatter chatter : chatters) {
      chatter.catchUp(chatter.bus());
      assertEquals(acknowledgedIds, chatter.idsHeld(), chatter.name + " holds every acknowledged message");
      assertEquals(List.of(), chatter.outOfOrder, chatter.name + ": on each socket every message once, in id order");
    }
    assertTrue(chatters.stream().mapToInt(c -> c.cutOff.get()).sum() > 0, "the drains met sends in flight");
    assertTrue(chatters.stream().mapToInt(c -> c.storedBeforeResend.get()).sum() > 0,
      "a draining node finishes the sends it has taken, though it can no longer answer them");
    nodes.forEach(node -> assertNoErrorFromChatCode(node.process.log()));
    System.out.printf("rolling restart: %d messages acknowledged; %s%n", acknowledged.size(),
      chatters.stream().map(c -> c.name + ": " + c.sockets.size() + " sockets, " + c.cutOff + " sends unanswered"
        + " when a node closed the socket (" + c.storedBeforeResend + " of them stored before the resend), "
        + c.retries + " failed attempts retried").toList());
  }

  /** README's three example configs with free ports and this test's fresh database, started together. */
  private void startExampleCluster() {
    JsonObject database = processes.postgresDatabase();
    List<Integer> memberPorts = new ArrayList<>();
    JsonArray members = new JsonArray();
    for (int i = 0; i < NODES; i++) {
      memberPorts.add(Ports.free());
      members.add("127.0.0.1:" + memberPorts.get(i));
    }
    for (int i = 0; i < NODES; i++) {
      JsonObject config = exampleConfig(i + 1);
      // the files README tells a new user to run, with other values where this test needs them
      config.getJsonObject("http").put("port", Ports.free());
      config.getJsonObject("db").put("url", database.getString("url"));
      assertEquals(database.getString("user"), config.getJsonObject("db").getString("user"));
      assertEquals(database.getString("password"), config.getJsonObject("db").getString("password"));
      config.getJsonObject("cluster").put("port", memberPorts.get(i)).put("members", members.copy())
        .put("name", "it-" + processes.dir().getFileName());
      config.getJsonObject("metrics").put("port", Ports.free());
      // the keys added: users on a draining node send back to back, faster than the default 10 messages and 30
      // frames a second (a drain that answered fast enough spent a user's 60 frames of burst: a 429 in CI)
      config.put("security", new JsonObject().put("messagesPerSecond", 10_000).put("messageBurst", 10_000)
        .put("requestsPerSecond", 10_000).put("requestBurst", 10_000));
      nodes.add(new Node(i + 1, config));
    }
    // all three at once, as README starts them
    for (Node node : nodes) {
      node.process = processes.start("node" + node.number, node.config, Map.of());
    }
    for (Node node : nodes) {
      processes.awaitHealthy(node.process, node.config, NODES);
      inService.add(node.port());
    }
  }

  private static JsonObject exampleConfig(int number) {
    try {
      return new JsonObject(Files.readString(Path.of("conf", "postgres-node" + number + ".json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGTERM, as {@code kill} does: the node closes its sockets with 1012, leaves the cluster, exits within 30 s;
   * then the same config starts again and the node rejoins.
   */
  private void drainAndRestart(Node node, List<Chatter> chatters) {
    inService.remove(Integer.valueOf(node.port()));
    List<BridgeClient> onNode = chatters.stream().flatMap(c -> c.openSocketsOn(node.port()).stream()).toList();
    assertFalse(onNode.isEmpty(), "someone is chatting through node " + node.number);
    List<Chatter> streaming = chatters.stream().filter(c -> !c.openSocketsOn(node.port()).isEmpty()).toList();
    List<Integer> streamedBefore = streaming.stream().map(c -> c.streamed.get()).toList();
    drainingPort = node.port();
    TestCluster.awaitTrue("users on node " + node.number + " sending back to back", () -> {
      for (int i = 0; i < streaming.size(); i++) {
        if (streaming.get(i).failure != null) {
          throw new AssertionError(streaming.get(i).name + " failed", streaming.get(i).failure);
        }
        if (streaming.get(i).streamed.get() <= streamedBefore.get(i)) {
          return false;
        }
      }
      return true;
    });

    LocalTime sigterm = LocalTime.now();
    CompletableFuture<Long> exited = node.process.onExit().thenApply(ended -> System.nanoTime());
    long stopping = System.nanoTime();
    node.process.terminate();
    onNode.get(0).awaitClosed();
    // the drain has begun: a client coming straight back finds no socket here, whether the node is still up or not
    boolean upWhileProbed = node.process.isAlive();
    String probe = probe(node.port(), chatters.get(0).cookie);
    node.process.awaitExit();
    Duration stopped = Duration.ofNanos(exited.join() - stopping);
    drainingPort = -1;
    String log = node.process.log();
    assertNoErrorFromChatCode(log);
    assertTrue(stopped.compareTo(STOP_LIMIT) < 0, "node " + node.number + " took " + stopped + " to stop:\n" + log);
    assertEquals(EXIT_AFTER_SIGTERM, node.process.exitValue(), log);
    assertTrue(log.contains("chat node stopped") && !log.contains("did not stop cleanly"), log);
    for (BridgeClient socket : onNode) {
      socket.awaitClosed();
      assertEquals(Short.valueOf(SERVICE_RESTART), socket.closeStatus(), "sockets on node " + node.number);
    }
    assertTrue(probe.startsWith("refused") || probe.startsWith("closed"), "a draining node opens no new socket: "
      + probe);
    for (Node other : nodes) {
      if (other != node) {
        within(LEAVE_SEEN_WITHIN, "node " + other.number + " sees node " + node.number + " leave",
          () -> processes.health(other.port()).getInteger("clusterSize", 0) == NODES - 1);
      }
    }
    long restarting = System.nanoTime();
    node.process = processes.node("node" + node.number + "-restarted", node.config, NODES);
    for (Node other : nodes) {
      processes.awaitHealthy(other.process, other.config, NODES);
    }
    inService.add(node.port());
    System.out.printf("node %d: SIGTERM at %s, exited after %d ms, %d sockets closed with %d, a new socket %s%s;"
        + " back in %d ms%n", node.number, sigterm, stopped.toMillis(), onNode.size(), SERVICE_RESTART, probe,
      upWhileProbed ? " while the node was up" : "", Duration.ofNanos(System.nanoTime() - restarting).toMillis());
  }

  /** Waits until every user has had this many more messages acknowledged. */
  private static void awaitProgress(List<Chatter> chatters) {
    List<Integer> target = chatters.stream().map(c -> c.acknowledged.size() + MESSAGES_PER_STEP).toList();
    TestCluster.awaitTrue("every user chatting", () -> {
      for (int i = 0; i < chatters.size(); i++) {
        Chatter chatter = chatters.get(i);
        if (chatter.failure != null) {
          throw new AssertionError(chatter.name + " failed", chatter.failure);
        }
        if (chatter.acknowledged.size() < target.get(i)) {
          return false;
        }
      }
      return true;
    });
  }

  private static void within(Duration limit, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // a bounded poll of the condition
    }
  }

  /** The whole global room as stored, read page by page through a live node. */
  private static List<JsonObject> storedHistory(Chatter reader) {
    return reader.bus().historyAfter("global", 0);
  }

  /**
   * What a client finds if it comes straight back to a node: the connection refused, the socket closed before it
   * serves anything (with its close code), or served.
   */
  private String probe(int port, String cookie) {
    BridgeClient socket;
    try {
      socket = BridgeClient.connect(processes.vertx(), port, cookie, PROBE_TIMEOUT);
    } catch (BridgeClient.BridgeRefused refused) {
      return "refused";
    }
    try {
      return "served: " + socket.tryRegister("chat.room.global").encode();
    } catch (AssertionError | RuntimeException noAnswer) {
      return socket.isClosed() ? "closed " + socket.closeStatus() : "kept open: " + noAnswer;
    } finally {
      socket.close();
    }
  }

  /**
   * Nothing the chat's own code threw went unhandled. (Vert.x and Hazelcast may log their own errors when a member
   * goes, such as a write failing twice on a closed cluster connection; those are theirs.)
   */
  private static void assertNoErrorFromChatCode(String log) {
    List<String> entries = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*") || entries.isEmpty()) {
        entries.add(line);
      } else {
        entries.set(entries.size() - 1, entries.get(entries.size() - 1) + "\n" + line);
      }
    }
    List<String> ours = entries.stream().filter(e -> e.contains(" ERROR ") && e.contains("\tat chat.")).toList();
    assertEquals(List.of(), ours, "errors out of the chat's code");
  }

  private static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  /**
   * One user's page: sends with a client id and resends it after a retryable failure or a lost socket; when its
   * socket closes it reconnects to the next node in service, registers and catches up from history.
   */
  private final class Chatter implements Runnable {
    final String name;
    final String cookie;
    final List<JsonObject> acknowledged = new CopyOnWriteArrayList<>();
    /** Every socket this user opened, with the port it went to. */
    final Map<BridgeClient, Integer> sockets = Collections.synchronizedMap(new LinkedHashMap<>());
    /** Messages fetched from history, by id. */
    final Map<Long, JsonObject> caughtUp = new TreeMap<>();
    final List<String> refusals = new CopyOnWriteArrayList<>();
    /** Live deliveries that repeated or went back on one socket. */
    final List<String> outOfOrder = new ArrayList<>();
    final AtomicInteger retries = new AtomicInteger();
    /** Requests sent back to back while a node drained. */
    final AtomicInteger streamed = new AtomicInteger();
    /** Sends a closing node left unanswered, and how many of them the resend found already stored. */
    final AtomicInteger cutOff = new AtomicInteger();
    final AtomicInteger storedBeforeResend = new AtomicInteger();
    volatile Throwable failure;
    private int next;
    private BridgeClient bus;

    Chatter(String name, String cookie, int firstNode) {
      this.name = name;
      this.cookie = cookie;
      this.next = firstNode;
      this.bus = connect();
    }

    @Override
    public void run() {
      try {
        int n = 0;
        while (chatting && n < MAX_MESSAGES) {
          if (sockets.get(bus()) == drainingPort) {
            n = streamUntilClosed(n);
            continue;
          }
          acknowledged.add(sendUntilStored(n));
          n++;
          LockSupport.parkNanos(TYPING_PACE.toNanos()); // the pace of the conversation, not a wait for anything
        }
      } catch (Throwable e) {
        failure = e;
      }
    }

    private String cid(int n) {
      return name + "-" + n;
    }

    private JsonObject message(int n) {
      return new JsonObject().put("room", "global").put("text", n + " from " + name).put("cid", cid(n));
    }

    /**
     * While the node drains: requests back to back with a few unanswered at any time, until the node closes the
     * socket; those it left unanswered are resent with their cid through the next node. Returns the next number.
     */
    private int streamUntilClosed(int n) {
      BridgeClient socket = bus;
      Deque<Integer> unanswered = new ArrayDeque<>();
      List<Integer> resend = new ArrayList<>();
      while (n < MAX_MESSAGES && !socket.isClosed()) {
        int m = n++;
        unanswered.add(m);
        try {
          socket.sendFrame(new JsonObject().put("type", "send").put("address", "chat.send")
            .put("replyAddress", "reply-" + cid(m)).put("body", message(m)));
        } catch (RuntimeException closed) {
          break;
        }
        streamed.incrementAndGet();
        if (unanswered.size() >= STREAM_WINDOW) {
          int oldest = unanswered.poll();
          if (!answered(socket, oldest)) {
            resend.add(oldest);
          }
        }
      }
      for (int m : unanswered) {
        if (!answered(socket, m)) {
          resend.add(m);
        }
      }
      for (int m : resend) {
        long resentAt = System.currentTimeMillis();
        JsonObject stored = sendUntilStored(m);
        if (socket.isClosed()) {
          cutOff.incrementAndGet();
          if (stored.getLong("ts") < resentAt) {
            storedBeforeResend.incrementAndGet();
          }
        }
        acknowledged.add(stored);
      }
      return n;
    }

    /** True when message m was acknowledged on this socket; false when it was refused or got no answer. */
    private boolean answered(BridgeClient socket, int m) {
      BridgeClient.Reply reply;
      try {
        reply = new BridgeClient.Reply(socket.take(f -> ("reply-" + cid(m)).equals(f.getString("address"))));
      } catch (AssertionError noReply) {
        if (!socket.isClosed()) {
          refusals.add("no answer to " + cid(m) + ": " + noReply);
        }
        return false;
      }
      if (reply.failed()) {
        if (reply.failureCode() != 503) {
          refusals.add(reply.frame().encode());
        }
        return false;
      }
      acknowledged.add(reply.body());
      return true;
    }

    private JsonObject sendUntilStored(int n) {
      JsonObject message = message(n);
      String cid = cid(n);
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        BridgeClient socket = bus();
        BridgeClient.Reply reply;
        try {
          reply = socket.request("chat.send", message);
        } catch (AssertionError | RuntimeException noReply) {
          if (!socket.isClosed()) {
            refusals.add("no answer to " + cid + ": " + noReply);
          }
          retries.incrementAndGet(); // the node closed the socket before answering: the same cid elsewhere
          continue;
        }
        if (!reply.failed()) {
          return reply.body();
        }
        if (reply.failureCode() != 503) {
          refusals.add(reply.frame().encode());
        }
        retries.incrementAndGet();
      }
      throw new AssertionError("not stored after " + MAX_ATTEMPTS + " attempts: " + cid);
    }

    /** The open socket, or a new one on the next node in service when the last one was closed. */
    BridgeClient bus() {
      if (bus.isClosed()) {
        bus.close(); // its ping timer; what it received stays readable
        bus = connect();
      }
      return bus;
    }

    private BridgeClient connect() {
      for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        List<Integer> ports = List.copyOf(inService);
        int port = ports.get(next++ % ports.size());
        BridgeClient socket;
        try {
          socket = BridgeClient.connect(processes.vertx(), port, cookie);
        } catch (BridgeClient.BridgeRefused nodeGone) {
          continue;
        }
        sockets.put(socket, port);
        try {
          socket.register("chat.room.global");
          catchUp(socket);
          return socket;
        } catch (AssertionError | RuntimeException lost) {
          if (!socket.isClosed()) {
            throw lost;
          }
          // that node went too while we caught up: the next one
        }
      }
      throw new AssertionError(name + " found no node to connect to");
    }

    /**
     * Everything newer than the newest message held before this socket, as the page does after a reconnect: what
     * this socket delivers before the catch-up is done says nothing about what was stored before it registered.
     */
    void catchUp(BridgeClient socket) {
      TreeMap<Long, JsonObject> before = held(socket);
      long after = before.isEmpty() ? 0 : before.lastKey();
      socket.historyAfter("global", after).forEach(m -> caughtUp.putIfAbsent(m.getLong("id"), m));
    }

    List<BridgeClient> openSocketsOn(int port) {
      synchronized (sockets) {
        return sockets.entrySet().stream().filter(e -> e.getValue() == port && !e.getKey().isClosed())
          .map(Map.Entry::getKey).toList();
      }
    }

    /**
     * Ids this user holds: live deliveries on each socket (never a duplicate or a step back on one socket) and
     * what history caught up.
     */
    List<Long> idsHeld() {
      return List.copyOf(held(null).keySet());
    }

    /** What history and the sockets other than this one (null: all of them) have brought, by id. */
    private TreeMap<Long, JsonObject> held(BridgeClient except) {
      TreeMap<Long, JsonObject> held = new TreeMap<>(caughtUp);
      outOfOrder.clear();
      List<BridgeClient> all;
      synchronized (sockets) {
        all = new ArrayList<>(sockets.keySet());
      }
      all.remove(except);
      for (BridgeClient socket : all) {
        JsonObject last = new JsonObject().put("id", 0L);
        for (JsonObject message : socket.received("chat.room.global")) {
          long id = message.getLong("id");
          if (id <= last.getLong("id")) {
            outOfOrder.add(name + " on port " + sockets.get(socket) + " got " + message + " after " + last);
          }
          last = message;
          held.putIfAbsent(id, message);
        }
      }
      return held;
    }
  }
}
