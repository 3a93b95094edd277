package chat.process;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.ProcessFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The noisy neighbour, on real processes: an HSQLDB server and two clustered nodes from the built jar with the
 * real default limits (only bcrypt at cost 10 instead of 12: still a real cost, and a shorter setup). Twenty
 * ordinary users chat at one message a second each, first alone (the baseline), then while one logged-in attacker
 * runs every abuse the limits are there for, at full speed from several sockets on both nodes, and a client
 * without an account floods {@code /api/login} from one address. The ordinary users' sends must stay as fast (p99
 * under twice the baseline's, and under 250 ms), none lost or doubled, and a legitimate login from another address
 * must answer within 2 s throughout. Both p99 figures are printed, with where the time went and the CPU each
 * process used.
 *
 * <p>Loopback addresses stand for machines: ordinary users register and log in from 127.0.0.2-5, the attacker is
 * 127.0.0.40, the login flood 127.0.0.50, the legitimate login 127.0.0.60. The attack has a Vert.x instance of its
 * own in this JVM, so that its event loops never hold up the ordinary users' frames here. Every attack loop ends
 * at the deadline or an iteration cap, and paces itself in bursts (a burst, its answers, a short pause), so that
 * what limits it is how fast the server refuses, not how fast this JVM can write.
 *
 * <p>The whole attack is rehearsed once before the baseline (see {@link #REHEARSAL}). Alone,
 * {@code mvn verify -Dit.test=NoisyNeighbourIT}; {@code -Dnoisy.attacks=…} runs only some attacks, to find which one
 * slows the people down: {@code bridge} (all of: {@code bridge-unanswered}, {@code bridge-history},
 * {@code bridge-ghost}, {@code bridge-send}, {@code bridge-register}), {@code sockets}, {@code cookies},
 * {@code logins}; all by default.
 */
class NoisyNeighbourIT {

  private static final int USERS = 20;
  private static final String[] USER_ADDRESSES = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
  private static final String ATTACKER_ADDRESS = "127.0.0.40";
  private static final String FLOOD_ADDRESS = "127.0.0.50";
  private static final String LOGIN_ADDRESS = "127.0.0.60";
  private static final String LOGIN_REGISTRATION_ADDRESS = "127.0.0.61";

  /**
   * A rehearsal of the whole attack while the people chat, before anything is measured: a server that has been up
   * for a while has met attacks before, and has its refusal paths compiled. Without it, the baseline is measured on
   * code the attack then makes the JIT compile (and deoptimise) under the people's sends, which is the start-up of
   * a JVM, not the cost of an attacker.
   */
  private static final Duration REHEARSAL = Duration.ofSeconds(10);
  /** After the rehearsal, until the baseline: its last answers (ANSWER_GRACE) and the JIT's last compilations. */
  private static final Duration SETTLE = Duration.ofSeconds(8);
  private static final Duration PHASE = Duration.ofSeconds(30);
  /**
   * The attack's first seconds (40 sockets opening, each flood's first burst at once): the sends then are
   * checked for loss like all others and their p99 is printed, but they are in neither p99 compared.
   */
  private static final Duration RAMP = Duration.ofSeconds(3);
  private static final Duration SEND_EVERY = Duration.ofSeconds(1);
  /** How long after the attack its last answers are waited for. */
  private static final Duration ANSWER_GRACE = Duration.ofSeconds(5);

  private static final double CEILING_MS = 250;
  private static final double LOGIN_WITHIN_MS = 2000;
  /**
   * The baseline p99 that the 2x bound is taken from is at least this: on a quiet cluster a send's p99 can be a few
   * milliseconds, and twice that is within the noise of two cores shared by two nodes, the database and this JVM
   * (one GC pause, one descheduling), not a slowdown anyone could see.
   */
  private static final double BASELINE_FLOOR_MS = 20;

  /** The attacker's sockets that flood requests, half on each node; a user may have 20 per node. */
  private static final int ATTACK_SOCKETS = 10;
  private static final List<String> BRIDGE_FLOODS = List.of("bridge-unanswered", "bridge-history", "bridge-ghost",
    "bridge-send", "bridge-register");
  private static final int SOCKETS_PER_USER = 20;
  /** One attack socket's round: bursts of these many frames, each burst's answers, then the pause. */
  private static final int FRAMES = 100;
  private static final int GHOST_FRAMES = 50;
  private static final int REGISTRATIONS = 20;
  private static final long ROUND_PAUSE_MS = 20;
  private static final int MAX_ROUNDS = 2_000;
  private static final int LOGIN_FLOOD_CONCURRENCY = 50;
  private static final int LOGIN_FLOOD_CAP = 500_000;
  private static final int COOKIE_CONCURRENCY = 20;
  private static final int COOKIE_ROUNDS_CAP = 50_000;
  private static final int EXTRA_SOCKET_ATTEMPTS_CAP = 400;

  private static final Set<String> ATTACKS = Set.of(System.getProperty("noisy.attacks",
    "bridge,sockets,cookies,logins").split(","));

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  /** One ordinary send: when it started, how long to its reply, and the stored message (or what went wrong). */
  private record Send(int user, String text, long startNanos, long wallStart, double ms, JsonObject stored,
                      String failure) {
    /** Milliseconds from the request to the store's timestamp (taken as the message's batch is written). */
    double wayIn() {
      return stored == null ? Double.NaN : stored.getLong("ts") - wallStart;
    }
  }

  /** One legitimate login: when, how long, which status (-1: no answer). */
  private record Login(long startNanos, double ms, int status) {
  }

  /** Counts of what the attack did and what it got back, by name. */
  private static final class Tally {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void add(String what, long n) {
      counts.computeIfAbsent(what, k -> new LongAdder()).add(n);
    }

    void add(String what) {
      add(what, 1);
    }

    long get(String what) {
      LongAdder count = counts.get(what);
      return count == null ? 0 : count.sum();
    }

    long sumStartingWith(String prefix) {
      return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(e -> e.getValue().sum())
        .sum();
    }

    @Override
    public String toString() {
      return new TreeMap<>(counts).entrySet().stream().map(e -> "  " + e.getKey() + ": " + e.getValue().sum())
        .collect(Collectors.joining("\n"));
    }
  }

  @Test
  void twentyPeopleChatOnUnhinderedWhileOneAttackerRunsEveryAbuseAtFullSpeed() throws Exception {
    int[] http = processes.twoNodes(NoisyNeighbourIT::nodeConfig).http();

    Vertx vertx = processes.vertx();
    Vertx attackVertx = Vertx.vertx();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<BridgeClient> userSockets = new ArrayList<>();
    try {
      // --- the people: 20 accounts from 4 addresses (registrations are limited per address), on both nodes
      List<String> names = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        names.add("user" + i);
      }
      String[] cookies = new String[USERS];
      List<java.util.concurrent.Future<?>> signUps = new ArrayList<>();
      for (int a = 0; a < USER_ADDRESSES.length; a++) {
        int address = a;
        signUps.add(threads.submit(() -> {
          for (int i = address; i < USERS; i += USER_ADDRESSES.length) {
            Http client = Http.from(vertx, USER_ADDRESSES[address], http[i % 2]).signUp(names.get(i));
            cookies[i] = client.cookie();
            client.close();
          }
        }));
      }
      for (java.util.concurrent.Future<?> signUp : signUps) {
        signUp.get(120, TimeUnit.SECONDS);
      }
      for (int i = 0; i < USERS; i++) {
        BridgeClient socket = BridgeClient.connect(vertx, http[i % 2], cookies[i]);
        userSockets.add(socket);
        socket.register("chat.room.global");
      }
      String carol = "carol";
      Http carolsRegistration = Http.from(vertx, LOGIN_REGISTRATION_ADDRESS, http[0]);
      assertEquals(201, carolsRegistration.post("/api/register",
        Http.registration(carol, Http.passwordOf(carol))).status());
      carolsRegistration.close();
      String mallory = "mallory";
      Http malloryHttp = Http.from(attackVertx, ATTACKER_ADDRESS, http[0]).signUp(mallory);
      String malloryCookie = malloryHttp.cookie();
      malloryHttp.close();

      // --- the timeline: the rehearsal, the quiet after it, baseline, the attack's ramp, the attack
      long t0 = System.nanoTime() + Duration.ofMillis(500).toNanos();
      long rehearsalEnd = t0 + REHEARSAL.toNanos();
      long baselineStart = rehearsalEnd + SETTLE.toNanos();
      long attackStart = baselineStart + PHASE.toNanos();
      long attackMeasured = attackStart + RAMP.toNanos();
      long end = attackMeasured + PHASE.toNanos();

      List<Send> sends = Collections.synchronizedList(new ArrayList<>());
      List<java.util.concurrent.Future<?>> chatting = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        int user = i;
        BridgeClient socket = userSockets.get(i);
        long first = t0 + SEND_EVERY.toNanos() * i / USERS; // spread over the second
        chatting.add(threads.submit(() -> chat(user, names.get(user), socket, first, end, sends)));
      }
      List<Login> logins = Collections.synchronizedList(new ArrayList<>());
      java.util.concurrent.Future<?> loggingIn = threads.submit(() ->
        logInEverySecond(vertx, carol, http, baselineStart, end, logins));

      sleepUntil(t0);
      Tally rehearsal = new Tally();
      for (java.util.concurrent.Future<?> task : attack(threads, attackVertx, http, mallory, malloryCookie,
        rehearsalEnd, rehearsal)) {
        task.get(60, TimeUnit.SECONDS);
      }
      assertTrue(System.nanoTime() < baselineStart, "the rehearsal's last answers came before the baseline");
      System.out.printf("NoisyNeighbourIT: the rehearsal's attack, %d s before the baseline:%n%s%n",
        REHEARSAL.toSeconds(), rehearsal);

      sleepUntil(baselineStart);
      Cpu cpuAtBaseline = Cpu.now();
      sleepUntil(attackStart);
      Cpu cpuAtAttack = Cpu.now();

      Tally tally = new Tally();
      List<java.util.concurrent.Future<?>> attack = attack(threads, attackVertx, http, mallory, malloryCookie, end,
        tally);

      sleepUntil(attackMeasured);
      Cpu cpuAtMeasured = Cpu.now();
      sleepUntil(end);
      Cpu cpuAtEnd = Cpu.now();
      for (java.util.concurrent.Future<?> task : chatting) {
        task.get(60, TimeUnit.SECONDS);
      }
      loggingIn.get(60, TimeUnit.SECONDS);
      for (java.util.concurrent.Future<?> task : attack) {
        task.get(60, TimeUnit.SECONDS);
      }

      // --- the figures
      List<Send> baseline = between(sends, baselineStart, attackStart);
      List<Send> ramp = between(sends, attackStart, attackMeasured);
      List<Send> underAttack = between(sends, attackMeasured, end);
      double baselineP99 = p99(baseline);
      double attackP99 = p99(underAttack);
      double attackSeconds = (end - attackStart) / 1e9;
      List<Login> quietLogins = loginsBetween(logins, baselineStart, attackStart);
      List<Login> attackLogins = loginsBetween(logins, attackStart, end);
      System.out.printf("NoisyNeighbourIT: baseline p99 = %.1f ms, under attack p99 = %.1f ms%n", baselineP99, attackP99);
      System.out.printf("NoisyNeighbourIT: sends %d / %d, median %.1f / %.1f ms, max %.1f / %.1f ms (baseline / under "
          + "attack); the attack's first %d s: %d sends, p99 %.1f ms%n", baseline.size(), underAttack.size(),
        median(baseline), median(underAttack), max(baseline), max(underAttack), RAMP.toSeconds(), ramp.size(), p99(ramp));
      System.out.printf("NoisyNeighbourIT: from the request to the store's timestamp: median %.0f / %.0f ms, p99 %.0f / "
          + "%.0f ms; under attack, p99 of the users on node 1 %.1f ms, on node 2 %.1f ms%n",
        percentile(baseline, Send::wayIn, 0.5), percentile(underAttack, Send::wayIn, 0.5),
        percentile(baseline, Send::wayIn, 0.99), percentile(underAttack, Send::wayIn, 0.99),
        p99(underAttack.stream().filter(s -> s.user() % 2 == 0).toList()),
        p99(underAttack.stream().filter(s -> s.user() % 2 == 1).toList()));
      System.out.printf("NoisyNeighbourIT: the slowest sends of both p99s, in seconds from the attack's start: %s%n",
        Stream.concat(baseline.stream(), underAttack.stream()).sorted((a, b) -> Double.compare(b.ms(), a.ms()))
          .limit(20).map(s -> String.format("%+.1f s: %.0f ms (user%d)", (s.startNanos() - attackStart) / 1e9, s.ms(),
            s.user())).toList());
      System.out.printf("NoisyNeighbourIT: legitimate logins: max %.0f / %.0f ms (%d / %d of them)%n",
        maxLogin(quietLogins), maxLogin(attackLogins), quietLogins.size(), attackLogins.size());
      System.out.printf("NoisyNeighbourIT: CPU in %% of one core (%d cores), baseline / under attack: %s%n",
        Runtime.getRuntime().availableProcessors(), Cpu.compare(cpuAtBaseline, cpuAtAttack, cpuAtMeasured, cpuAtEnd));
      System.out.printf("NoisyNeighbourIT: attacks %s over %.0f s: %.0f bridge frames/s, %.0f logins/s, %.0f made-up "
          + "session requests/s, %.1f extra sockets/s%n%s%n", new java.util.TreeSet<>(ATTACKS),
        attackSeconds, tally.sumStartingWith("frames ") / attackSeconds, tally.sumStartingWith("login ") / attackSeconds,
        tally.sumStartingWith("made-up session ") / attackSeconds,
        tally.sumStartingWith("extra socket closed") / attackSeconds, tally);

      // --- nothing lost or doubled: the history holds exactly the acknowledged sends, and everyone got each once
      List<JsonObject> acknowledged = sends.stream().filter(s -> s.stored() != null).map(Send::stored)
        .sorted((a, b) -> Long.compare(a.getLong("id"), b.getLong("id"))).toList();
      Set<String> people = Set.copyOf(names);
      List<JsonObject> history = userSockets.get(0).historyAfter("global", 0).stream()
        .filter(message -> people.contains(message.getString("sender"))).toList();
      // a send that failed (no reply within 15 s) may have been stored all the same: it is left out here, and
      // must then be there once like every other
      Set<String> unacknowledged = sends.stream().filter(s -> s.stored() == null).map(Send::text)
        .collect(Collectors.toSet());
      List<JsonObject> stored = history.stream().filter(m -> !unacknowledged.contains(m.getString("text"))).toList();
      long distinctTexts = history.stream().map(m -> m.getString("text")).distinct().count();
      List<Long> ids = acknowledged.stream().map(m -> m.getLong("id")).toList();
      List<String> deliveryProblems = new ArrayList<>();
      for (int i = 0; i < USERS; i++) {
        BridgeClient socket = userSockets.get(i);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (receivedIds(socket, people).size() < ids.size() && System.nanoTime() < deadline) {
          LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        List<Long> received = receivedIds(socket, people);
        if (!received.equals(ids)) {
          int at = 0;
          while (at < Math.min(received.size(), ids.size()) && received.get(at).equals(ids.get(at))) {
            at++;
          }
          deliveryProblems.add(names.get(i) + " received " + received.size() + " of " + ids.size()
            + (Set.copyOf(received).size() < received.size() ? ", some twice" : "") + ", first difference at " + at
            + ": " + received.subList(at, Math.min(at + 5, received.size())) + " instead of "
            + ids.subList(at, Math.min(at + 5, ids.size())));
        }
      }

      // --- the bar: the people's sends as fast as without the attacker, every login within 2 s, nothing lost
      List<Send> failed = sends.stream().filter(s -> s.failure() != null).toList();
      long perPhase = USERS * PHASE.toSeconds();
      assertAll(
        // 2x the baseline, the baseline taken as at least BASELINE_FLOOR_MS (20 ms): below that, twice the figure is
        // the noise of two shared cores, not a slowdown
        () -> assertTrue(attackP99 < 2 * Math.max(baselineP99, BASELINE_FLOOR_MS), String.format(
          "p99 under attack %.1f ms, not under 2 x max(baseline %.1f ms, %.0f ms)", attackP99, baselineP99,
          BASELINE_FLOOR_MS)),
        () -> assertTrue(attackP99 < CEILING_MS, String.format("p99 under attack %.1f ms, not under %.0f ms",
          attackP99, CEILING_MS)),
        () -> assertTrue(failed.isEmpty(), failed.size() + " sends failed, the first: "
          + failed.stream().limit(3).map(NoisyNeighbourIT::describe).toList()),
        () -> assertTrue(baseline.size() >= perPhase * 9 / 10 && underAttack.size() >= perPhase * 9 / 10,
          "the people sent once a second: " + baseline.size() + " and " + underAttack.size() + " of " + perPhase),
        () -> assertTrue(logins.stream().allMatch(l -> l.status() == 200 && l.ms() < LOGIN_WITHIN_MS),
          "legitimate logins that failed or took 2 s: " + logins.stream()
            .filter(l -> l.status() != 200 || l.ms() >= LOGIN_WITHIN_MS)
            .map(l -> l.status() + " after " + Math.round(l.ms()) + " ms").toList()),
        () -> assertTrue(attackLogins.size() >= attackSeconds - 2, "a login every second under attack: "
          + attackLogins.size()),
        () -> assertEquals(acknowledged, stored, "the room's history holds exactly the acknowledged sends, in order"),
        () -> assertEquals(history.size(), distinctTexts, "no message stored twice"),
        () -> {
          for (int i = 0; i < USERS; i++) {
            int user = i;
            assertEquals(sends.stream().filter(s -> s.user() == user && s.stored() != null).map(Send::stored).toList(),
              stored.stream().filter(m -> m.getString("sender").equals(names.get(user))).toList(),
              names.get(user) + "'s messages, in the order sent");
          }
        },
        () -> assertTrue(deliveryProblems.isEmpty(), "every person receives every message once, in order: "
          + deliveryProblems));

      // --- the attack ran, and was refused as the limits say
      if (attacking("bridge-history")) {
        assertTrue(tally.get("history 429") > 0, "history flood refused with 429\n" + tally);
      }
      if (attacking("bridge-send")) {
        assertTrue(tally.get("send 429") > 0, "send flood refused with 429\n" + tally);
      }
      assertEquals(0, tally.sumStartingWith("ghost ") - tally.get("ghost 400") - tally.get("ghost 429")
        - tally.get("ghost access_denied") - tally.get("ghost too_many_requests"),
        "private rooms with made-up people are refused, whatever the operation\n" + tally);
      if (attacking("sockets")) {
        assertTrue(tally.get("extra socket closed 4029") > 0, "sockets over the cap closed with 4029\n" + tally);
        assertTrue(tally.get("extra socket left open") <= tally.get("socket filling the cap closed")
          + tally.sumStartingWith("attack socket lost"), "no more than 20 sockets per node\n" + tally);
      }
      if (attacking("cookies")) {
        assertEquals(tally.sumStartingWith("made-up session "), tally.get("made-up session 401"),
          "made-up sessions are not logged in\n" + tally);
      }
      if (attacking("logins")) {
        assertTrue(tally.get("login 401") <= 20, "at most the address's 20 failures were checked\n" + tally);
        assertEquals(tally.sumStartingWith("login "), tally.get("login 401") + tally.get("login 429"),
          "the login flood got 401 or 429, nothing else\n" + tally);
      }
    } finally {
      userSockets.forEach(BridgeClient::close);
      threads.shutdownNow();
      attackVertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Starts every attack chosen (see {@link #ATTACKS}) until {@code end}, counting into the tally. */
  private static List<java.util.concurrent.Future<?>> attack(ExecutorService threads, Vertx attackVertx, int[] http,
                                                             String mallory, String malloryCookie, long end,
                                                             Tally tally) {
    List<java.util.concurrent.Future<?>> attack = new ArrayList<>();
    // one flood per socket, each on both nodes: a socket over its budget is slowed down, and one that ran every
    // flood in turn would not reach its last one within the attack
    List<String> floods = BRIDGE_FLOODS.stream().filter(NoisyNeighbourIT::attacking).toList();
    for (int s = 0; !floods.isEmpty() && s < ATTACK_SOCKETS; s++) {
      int port = http[s % 2];
      String flood = floods.get(s / 2 % floods.size());
      attack.add(threads.submit(() -> floodBridge(attackVertx, port, flood, mallory, malloryCookie, end, tally)));
    }
    if (attacking("sockets")) {
      attack.add(threads.submit(() -> openTooManySockets(attackVertx, http, malloryCookie, end, tally)));
    }
    if (attacking("cookies")) {
      attack.add(threads.submit(() -> madeUpSessions(attackVertx, http, end, tally)));
    }
    if (attacking("logins")) {
      LoginFlood flood = new LoginFlood(attackVertx, http, end, tally);
      attack.add(threads.submit(flood::run));
    }
    return attack;
  }

  /** Whether this attack runs: named, or "bridge" for every bridge-…, or "bridge-any" when any bridge-… runs. */
  private static boolean attacking(String name) {
    if (name.equals("bridge-any")) {
      return ATTACKS.stream().anyMatch(a -> a.startsWith("bridge"));
    }
    return ATTACKS.contains(name) || name.startsWith("bridge-") && ATTACKS.contains("bridge");
  }

  private static String describe(Send send) {
    String failure = String.valueOf(send.failure());
    return "user" + send.user() + " after " + Math.round(send.ms()) + " ms: "
      + (failure.length() > 200 ? failure.substring(0, 200) + "…" : failure);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The people

  /** One message a second with a cid, from {@code first} until {@code end}; each send timed from request to reply. */
  private static void chat(int user, String name, BridgeClient socket, long first, long end, List<Send> sends) {
    long next = first;
    for (int n = 0; next < end && n < 1000; n++, next += SEND_EVERY.toNanos()) {
      sleepUntil(next);
      String text = name + " says " + n;
      JsonObject body = new JsonObject().put("room", "global").put("text", text).put("cid", name + "-" + n);
      long wallStart = System.currentTimeMillis();
      long start = System.nanoTime();
      try {
        BridgeClient.Reply reply = socket.request("chat.send", body);
        double ms = (System.nanoTime() - start) / 1e6;
        sends.add(reply.failed() ? new Send(user, text, start, wallStart, ms, null, reply.frame().encode())
          : new Send(user, text, start, wallStart, ms, reply.body(), null));
      } catch (AssertionError noReply) {
        sends.add(new Send(user, text, start, wallStart, (System.nanoTime() - start) / 1e6, null,
          "no reply: " + noReply.getMessage()));
      }
    }
  }

  /** Carol logs in from her own address every second, on either node, timed. */
  private static void logInEverySecond(Vertx vertx, String carol, int[] http, long from, long end, List<Login> logins) {
    JsonObject credentials = new JsonObject().put("username", carol).put("password", Http.passwordOf(carol));
    long next = from;
    for (int n = 0; next < end && n < 100; n++, next += Duration.ofSeconds(1).toNanos()) {
      sleepUntil(next);
      Http browser = Http.from(vertx, LOGIN_ADDRESS, http[n % 2]);
      long start = System.nanoTime();
      int status;
      try {
        status = browser.post("/api/login", credentials).status();
      } catch (RuntimeException noAnswer) {
        status = -1;
      }
      logins.add(new Login(start, (System.nanoTime() - start) / 1e6, status));
      browser.close();
    }
  }

  private static List<Long> receivedIds(BridgeClient socket, Set<String> people) {
    return socket.received("chat.room.global").stream().filter(m -> people.contains(m.getString("sender")))
      .map(m -> m.getLong("id")).toList();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The attacker, logged in

  /**
   * One socket's flood, round after round until the end, one of: history frames that want no answer
   * ({@code bridge-unanswered}), history requests ({@code bridge-history}), reads, typing and history of private
   * rooms with made-up people ({@code bridge-ghost}), sends ({@code bridge-send}), registrations on made-up private
   * rooms ({@code bridge-register}); each round a burst of frames sent back to back before its answers are read,
   * then a short pause.
   */
  private static void floodBridge(Vertx vertx, int port, String flood, String mallory, String cookie, long end,
                                  Tally tally) {
    BridgeClient socket = BridgeClient.connect(vertx, new WebSocketClientOptions().setLocalAddress(ATTACKER_ADDRESS),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), cookie, Duration.ofSeconds(10));
    JsonObject page = new JsonObject().put("room", "global").put("limit", 100);
    JsonObject unanswered = new JsonObject().put("type", "send").put("address", "chat.history").put("body", page);
    // a socket over its budget is not read from for a while, one refused frame after another: its answers come
    // slowly on purpose, and are taken until shortly after the attack
    long answersBy = end + ANSWER_GRACE.toNanos();
    try {
      for (int round = 0; round < MAX_ROUNDS && System.nanoTime() < end && !socket.isClosed(); round++) {
        if (flood.equals("bridge-unanswered")) {
          for (int i = 0; i < FRAMES; i++) {
            socket.sendFrame(unanswered);
          }
          tally.add("frames history, no answer wanted", FRAMES);
          // one request behind them ends the round once the server has read them all: what paces this flood is the
          // server, not how fast this JVM can queue frames
          count(tally, "history", BridgeClient.burst(List.of(socket), "chat.history",
            List.of(new JsonObject().put("room", "global").put("limit", 1)), answersBy));
        }
        if (flood.equals("bridge-history")) {
          count(tally, "history", BridgeClient.burst(List.of(socket), "chat.history", Collections.nCopies(FRAMES, page),
            answersBy));
        }
        if (flood.equals("bridge-ghost")) {
          for (String address : List.of("chat.read", "chat.typing", "chat.history")) {
            List<JsonObject> ghosts = new ArrayList<>();
            for (int i = 0; i < GHOST_FRAMES; i++) {
              ghosts.add(new JsonObject().put("room", ghostRoom(mallory)).put("id", 1));
            }
            count(tally, "ghost", BridgeClient.burst(List.of(socket), address, ghosts, answersBy));
          }
        }
        if (flood.equals("bridge-send")) {
          count(tally, "send", BridgeClient.burst(List.of(socket), "chat.send",
            Collections.nCopies(GHOST_FRAMES, new JsonObject().put("room", "global").put("text", "buy now")), answersBy));
        }
        if (flood.equals("bridge-register")) {
          for (int i = 0; i < REGISTRATIONS; i++) {
            socket.sendFrame(new JsonObject().put("type", "register")
              .put("address", (i % 2 == 0 ? "chat.room." : "chat.typing.") + ghostRoom(mallory)));
          }
          tally.add("frames register", REGISTRATIONS);
          for (int i = 0; i < REGISTRATIONS; i++) {
            JsonObject answer = socket.poll(f -> "err".equals(f.getString("type")) && f.getString("address") == null
              || "registered".equals(f.getString("event")), answersBy);
            tally.add(answer == null ? "unanswered in time (socket slowed down): register"
              : "ghost " + ("err".equals(answer.getString("type")) ? answer.getString("body") : "registered"));
          }
        }
        pause(ROUND_PAUSE_MS);
      }
    } catch (AssertionError | IllegalStateException socketGone) {
      // the server may close an abusive socket
      tally.add("attack socket lost (" + (socket.isClosed() ? "closed " + socket.closeStatus() : "no answer") + ")");
    } finally {
      socket.close();
    }
  }

  private static void count(Tally tally, String what, BridgeClient.Burst burst) {
    tally.add("frames " + what, burst.replies().size() + burst.unanswered());
    tally.add("unanswered in time (socket slowed down): " + what, burst.unanswered());
    for (BridgeClient.Reply reply : burst.replies()) {
      tally.add(what + " " + (reply.failed() ? String.valueOf(reply.failureCode()) : "answered"));
    }
  }

  private static String ghostRoom(String mallory) {
    return RoomId.between(mallory, "ghost" + ThreadLocalRandom.current().nextInt(1_000_000)).id();
  }

  /**
   * Fills the attacker's socket cap on both nodes (with the flood's own sockets), then keeps opening one more,
   * which must be closed with 4029; the sockets it holds are closed at the end.
   */
  private static void openTooManySockets(Vertx vertx, int[] http, String cookie, long end, Tally tally) {
    List<BridgeClient> held = new ArrayList<>();
    try {
      int filling = 2 * SOCKETS_PER_USER - (attacking("bridge-any") ? ATTACK_SOCKETS : 0);
      for (int i = 0; i < filling; i++) {
        held.add(attackSocket(vertx, http[i % 2], cookie));
        tally.add("extra socket opened to fill the cap");
      }
      pause(500);
      tally.add("socket filling the cap closed", held.stream().filter(BridgeClient::isClosed).count());
      for (int i = 0; i < EXTRA_SOCKET_ATTEMPTS_CAP && System.nanoTime() < end; i++) {
        BridgeClient extra;
        try {
          extra = attackSocket(vertx, http[i % 2], cookie);
        } catch (BridgeClient.BridgeRefused refused) {
          tally.add("extra socket upgrade refused");
          continue;
        }
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (!extra.isClosed() && System.nanoTime() < until) {
          pause(5);
        }
        if (extra.isClosed()) {
          // null: closed before the client saw a close frame
          tally.add("extra socket closed " + extra.closeStatus());
          extra.close();
        } else {
          tally.add("extra socket left open");
          held.add(extra);
        }
      }
    } finally {
      held.forEach(BridgeClient::close);
    }
  }

  private static BridgeClient attackSocket(Vertx vertx, int port, String cookie) {
    return BridgeClient.connect(vertx, new WebSocketClientOptions().setLocalAddress(ATTACKER_ADDRESS),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), cookie, Duration.ofSeconds(10));
  }

  /** API calls and socket upgrades with session cookies nobody was given, 20 at a time, from the attacker's address. */
  private static void madeUpSessions(Vertx vertx, int[] http, long end, Tally tally) {
    List<Http> clients = List.of(Http.from(vertx, ATTACKER_ADDRESS, http[0]), Http.from(vertx, ATTACKER_ADDRESS, http[1]));
    try {
      for (int round = 0; round < COOKIE_ROUNDS_CAP && System.nanoTime() < end; round++) {
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < COOKIE_CONCURRENCY; i++) {
          answers.add(clients.get(i % 2).callAsync(new RequestOptions().setMethod(HttpMethod.GET)
            .setURI(i % 4 == 0 ? "/api/unread" : "/api/me").putHeader("Cookie", madeUpCookie())));
        }
        try {
          attackSocket(vertx, http[round % 2], madeUpCookie()).close();
          tally.add("made-up session socket opened");
        } catch (BridgeClient.BridgeRefused refused) {
          tally.add("made-up session " + (refused.getCause() instanceof UpgradeRejectedException rejected
            ? rejected.getStatus() : refused.getCause().toString()));
        }
        for (Future<Http.Response> answer : answers) {
          try {
            tally.add("made-up session " + answer.await(10, TimeUnit.SECONDS).status());
          } catch (Exception noAnswer) {
            tally.add("made-up session no answer");
          }
        }
      }
    } finally {
      clients.forEach(Http::close);
    }
  }

  private static String madeUpCookie() {
    byte[] id = new byte[16];
    ThreadLocalRandom.current().nextBytes(id);
    return "chat.session=" + HexFormat.of().formatHex(id);
  }

  /**
   * Someone without an account: logins with made-up names from one address, always 50 in flight over both nodes
   * (each answer sends the next), until the end or the cap.
   */
  private static final class LoginFlood {
    private final List<Http> clients;
    private final long end;
    private final Tally tally;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicInteger running = new AtomicInteger();
    private final Promise<Void> finished = Promise.promise();

    LoginFlood(Vertx vertx, int[] http, long end, Tally tally) {
      this.clients = List.of(Http.from(vertx, FLOOD_ADDRESS, http[0]), Http.from(vertx, FLOOD_ADDRESS, http[1]));
      this.end = end;
      this.tally = tally;
    }

    void run() {
      running.set(LOGIN_FLOOD_CONCURRENCY);
      for (int i = 0; i < LOGIN_FLOOD_CONCURRENCY; i++) {
        next(i);
      }
      try {
        finished.future().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        tally.add("login flood did not finish");
      } finally {
        clients.forEach(Http::close);
      }
    }

    private void next(int slot) {
      long n = issued.incrementAndGet();
      if (System.nanoTime() >= end || n > LOGIN_FLOOD_CAP) {
        if (running.decrementAndGet() == 0) {
          finished.tryComplete();
        }
        return;
      }
      String body = new JsonObject().put("username", "nobody" + n).put("password", "guess-" + n).encode();
      clients.get(slot % 2).callAsync(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/login")
          .putHeader("Content-Type", "application/json"), body)
        .onComplete(answer -> {
          tally.add("login " + (answer.succeeded() ? String.valueOf(answer.result().status()) : "no answer"));
          next(slot);
        });
    }
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** A node as ClusterProcessIT's, with the real default limits but for bcrypt's cost; twoNodes adds the cluster. */
  private static JsonObject nodeConfig(int httpPort, String dbUrl) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", httpPort))
      .put("db", new JsonObject().put("url", dbUrl))
      .put("security", new JsonObject().put("bcryptCost", 10));
  }

  private static List<Send> between(List<Send> sends, long from, long to) {
    synchronized (sends) {
      return sends.stream().filter(s -> s.startNanos() >= from && s.startNanos() < to).toList();
    }
  }

  private static List<Login> loginsBetween(List<Login> logins, long from, long to) {
    synchronized (logins) {
      return logins.stream().filter(l -> l.startNanos() >= from && l.startNanos() < to).toList();
    }
  }

  private static double maxLogin(List<Login> logins) {
    return logins.stream().mapToDouble(Login::ms).max().orElse(Double.NaN);
  }

  private static double p99(List<Send> sends) {
    return percentile(sends, Send::ms, 0.99);
  }

  private static double median(List<Send> sends) {
    return percentile(sends, Send::ms, 0.5);
  }

  private static double max(List<Send> sends) {
    return percentile(sends, Send::ms, 1);
  }

  /** The nearest-rank percentile, NaN values (failed sends) left out. */
  private static double percentile(List<Send> sends, ToDoubleFunction<Send> value, double p) {
    double[] sorted = sends.stream().mapToDouble(value).filter(v -> !Double.isNaN(v)).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  /**
   * CPU time used so far by this JVM, by each process it started (the database and the two nodes), and by the
   * whole machine (/proc/stat: what else runs there shows as "others").
   */
  private record Cpu(long nanos, Map<String, Long> processes, long machineNanos) {
    static Cpu now() {
      Map<String, Long> used = new TreeMap<>();
      ProcessHandle.current().children().forEach(child -> {
        String args = String.join(" ", child.info().arguments().orElse(new String[0]));
        String name = args.contains("org.hsqldb.server.Server") ? "db"
          : args.contains("node1.json") ? "node1" : args.contains("node2.json") ? "node2" : null;
        if (name != null) {
          used.put(name, child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L));
        }
      });
      used.put("test JVM", ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime());
      return new Cpu(System.nanoTime(), used, machineBusyNanos());
    }

    /** Busy time of all cores (user, nice, system, irq, softirq, steal) in nanoseconds; 0 off Linux. */
    private static long machineBusyNanos() {
      try {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
          busy += Long.parseLong(cpu[i]);
        }
        return busy * 10_000_000L; // USER_HZ: 100 on Linux
      } catch (Exception notLinux) {
        return 0;
      }
    }

    /** "node1 40 / 90, …": the share of one core each used in the first interval, then in the second. */
    static String compare(Cpu from1, Cpu to1, Cpu from2, Cpu to2) {
      StringBuilder out = new StringBuilder();
      long ours1 = 0;
      long ours2 = 0;
      for (String name : to2.processes().keySet()) {
        long used1 = to1.processes().getOrDefault(name, 0L) - from1.processes().getOrDefault(name, 0L);
        long used2 = to2.processes().getOrDefault(name, 0L) - from2.processes().getOrDefault(name, 0L);
        ours1 += used1;
        ours2 += used2;
        out.append(String.format("%s %.0f / %.0f, ", name, percent(used1, from1, to1), percent(used2, from2, to2)));
      }
      long machine1 = to1.machineNanos() - from1.machineNanos();
      long machine2 = to2.machineNanos() - from2.machineNanos();
      return out.append(String.format("whole machine %.0f / %.0f (others %.0f / %.0f)", percent(machine1, from1, to1),
        percent(machine2, from2, to2), percent(Math.max(0, machine1 - ours1), from1, to1),
        percent(Math.max(0, machine2 - ours2), from2, to2))).toString();
    }

    private static double percent(long used, Cpu from, Cpu to) {
      return 100.0 * used / (to.nanos() - from.nanos());
    }
  }

  private static void sleepUntil(long nanos) {
    for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private static void pause(long ms) {
    sleepUntil(System.nanoTime() + Duration.ofMillis(ms).toNanos());
  }
}
