package chat.process;

import chat.support.BridgeClient;
import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import chat.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two bots of examples/bots run against a node from the built jar as outside programs, each with nothing but
 * its token and the node's URL: the Java one by Java's source launcher with vertx-core and its dependencies only on
 * its class path, the Node one with the ws package the build installed. The public bot API is enough for both.
 */
class ExampleBotsIT {

  private static final Path EXAMPLES = Path.of("examples", "bots").toAbsolutePath();
  /** What a bot prints once its own address is registered on the bridge: commands reach it from then on. */
  private static final String READY = "listening on chat.user.";
  /** vertx-core's own dependencies as its pom lists them, jackson-databind (optional) left out. */
  private static final Pattern VERTX_CORE_JARS =
    Pattern.compile("(vertx-core|vertx-core-logging|netty-[a-z0-9-]+|jackson-core)-\\d[^/\\\\]*\\.jar");

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  private final List<ExampleBot> bots = new ArrayList<>();

  @Test
  void bothExampleBotsAnswerTheirCommandsInTheRoomAndABadArgumentOnlyToWhoTypedIt() {
    int port = Ports.free();
    NodeProcess node = processes.node("node", ProcessFixture.nodeConfig(port,
      "jdbc:hsqldb:file:" + processes.dir().resolve("db").resolve("chat")), 1);
    try {
      run(port);
    } catch (AssertionError | RuntimeException failed) {
      bots.forEach(bot -> System.err.println(bot.output()));
      System.err.println("--- node ---\n" + node.log());
      throw failed;
    } finally {
      bots.forEach(ExampleBot::close);
    }
  }

  private void run(int port) {
    Http alice = new Http(processes.vertx(), port).signUp("alice");
    Http bob = new Http(processes.vertx(), port).signUp("bob");
    String url = "http://127.0.0.1:" + port;
    ExampleBot dice = start("dicebot", List.of(javaCommand(), "-cp", vertxCoreClassPath(),
      EXAMPLES.resolve("java").resolve("DiceBot.java").toString()), EXAMPLES.resolve("java"), url, token(alice, "dicebot"));
    Path nodeExample = EXAMPLES.resolve("node");
    assertTrue(Files.isDirectory(nodeExample.resolve("node_modules").resolve("ws")),
      "the Node example's ws package is not installed: the build's npm-ci-example-bot step does that (mvn initialize)");
    ExampleBot coin = start("coinbot", List.of("node", "coinbot.mjs"), nodeExample, url, token(alice, "coinbot"));
    awaitReady(dice, alice, "roll");
    awaitReady(coin, alice, "flip");

    try (BridgeClient aliceBus = BridgeClient.connect(processes.vertx(), port, alice.cookie());
         BridgeClient bobBus = BridgeClient.connect(processes.vertx(), port, bob.cookie())) {
      for (String address : List.of("chat.room.global", "chat.user.alice")) {
        aliceBus.register(address);
      }
      for (String address : List.of("chat.room.global", "chat.user.bob")) {
        bobBus.register(address);
      }

      // answered in the room, for everyone in it, as a bot's message
      String rolled = answerInRoom(aliceBus, bobBus, "/roll 2d6", "dicebot");
      Matcher dice2d6 = Pattern.compile("alice rolled 2d6: ([1-6]) \\+ ([1-6]) = (\\d+)").matcher(rolled);
      assertTrue(dice2d6.matches(), rolled);
      assertEquals(Integer.parseInt(dice2d6.group(1)) + Integer.parseInt(dice2d6.group(2)),
        Integer.parseInt(dice2d6.group(3)), rolled);
      String flipped = answerInRoom(aliceBus, bobBus, "/flip 3", "coinbot");
      assertTrue(flipped.matches("alice flipped 3 coins: (heads|tails), (heads|tails), (heads|tails)"), flipped);

      // a bad argument: the usage line reaches alice alone, and the room's next message is the bot's next answer
      usageOnlyToAlice(aliceBus, bobBus, "/roll lots", "dicebot", "usage: /roll");
      assertTrue(answerInRoom(aliceBus, bobBus, "/roll d20", "dicebot").matches("alice rolled 1d20: \\d+"));
      usageOnlyToAlice(aliceBus, bobBus, "/flip lots", "coinbot", "usage: /flip");
      assertTrue(answerInRoom(aliceBus, bobBus, "/flip", "coinbot").matches("alice flipped a coin: (heads|tails)"));
      assertEquals(List.of(), bobBus.received("chat.user.bob"), "bob got nothing of the replies meant for alice");
    }
  }

  /** The command goes to its bot; both people then get the bot's answer as the room's next message. Its text. */
  private static String answerInRoom(BridgeClient sender, BridgeClient other, String command, String bot) {
    BridgeClient.Reply sent = sender.request("chat.send", new JsonObject().put("room", "global").put("text", command));
    assertFalse(sent.failed(), command + ": " + sent.frame().encode());
    assertEquals("command", sent.body().getString("type"), sent.frame().encode());
    assertEquals(bot, sent.body().getString("bot"), sent.frame().encode());
    JsonObject answer = sender.next("chat.room.global");
    assertEquals(bot, answer.getString("sender"), answer.encode());
    assertTrue(answer.getBoolean("bot", false), "a bot's message says so: " + answer.encode());
    assertEquals(answer, other.next("chat.room.global"));
    return answer.getString("text");
  }

  private static void usageOnlyToAlice(BridgeClient alice, BridgeClient bob, String command, String bot,
                                       String usage) {
    BridgeClient.Reply sent = alice.request("chat.send", new JsonObject().put("room", "global").put("text", command));
    assertFalse(sent.failed(), command + ": " + sent.frame().encode());
    JsonObject reply = alice.next("chat.user.alice");
    assertEquals("ephemeral", reply.getString("type"), reply.encode());
    assertEquals(bot, reply.getString("sender"), reply.encode());
    assertEquals("global", reply.getString("room"), reply.encode());
    assertTrue(reply.getString("text").startsWith(usage), reply.encode());
    assertEquals(List.of(), bob.received("chat.user.bob"), "bob got nothing of a reply meant for alice");
  }

  /** Made by its owner with the session, as README shows; its token, shown once. */
  private static String token(Http owner, String name) {
    Http.Response made = owner.post("/api/bots", new JsonObject().put("name", name).put("description", "an example"));
    assertEquals(201, made.status(), made.body());
    return made.json().getString("token");
  }

  /**
   * Until the bot says its address is registered (only then does a command reach it, though it shows online as
   * soon as its socket opens), its command is listed and it is online, as a bot.
   */
  private static void awaitReady(ExampleBot bot, Http asker, String command) {
    TestCluster.awaitTrue(bot.name() + " ready", () -> {
      if (!bot.process().isAlive()) {
        throw new AssertionError(bot.name() + " exited (" + bot.process().exitValue() + ")\n" + bot.output());
      }
      return bot.output().contains(READY) && listed(asker, command, bot.name()) && online(asker, bot.name());
    });
  }

  private static boolean listed(Http asker, String command, String bot) {
    return asker.get("/api/commands").json().getJsonArray("commands").stream().map(c -> (JsonObject) c)
      .anyMatch(c -> command.equals(c.getString("name")) && bot.equals(c.getString("bot")));
  }

  private static boolean online(Http asker, String bot) {
    return asker.get("/api/users?q=" + bot).json().getJsonArray("users").stream().map(u -> (JsonObject) u)
      .anyMatch(u -> bot.equals(u.getString("username")) && u.getBoolean("online", false)
        && u.getBoolean("bot", false));
  }

  private static String javaCommand() {
    return ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command"));
  }

  /** The test's own jars of vertx-core and its dependencies: no chat classes, no vertx-web. */
  private static String vertxCoreClassPath() {
    List<String> jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
      .filter(entry -> VERTX_CORE_JARS.matcher(Path.of(entry).getFileName().toString()).matches())
      .toList();
    assertTrue(jars.stream().anyMatch(jar -> jar.contains("vertx-core-5")), "no vertx-core jar in " + jars);
    return String.join(File.pathSeparator, jars);
  }

  private ExampleBot start(String name, List<String> command, Path workingDir, String url, String token) {
    Path log = processes.dir().resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile()).redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("CHAT_"));
    builder.environment().putAll(Map.of("CHAT_URL", url, "BOT_TOKEN", token));
    try {
      ExampleBot bot = new ExampleBot(name, builder.start(), log);
      // killed even when the test JVM ends before the test's finally
      Runtime.getRuntime().addShutdownHook(new Thread(bot.process()::destroyForcibly));
      bots.add(bot);
      return bot;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An example bot's process and what it printed. */
  private record ExampleBot(String name, Process process, Path log) implements AutoCloseable {

    String output() {
      try {
        return "--- " + name + " ---\n" + Files.readString(log);
      } catch (IOException e) {
        return "--- " + name + ": no output (" + e.getMessage() + ")";
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
