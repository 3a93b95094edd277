package chat.bot;

import chat.support.BridgeClient;
import chat.support.ClusterFixture;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slash commands across two real clustered nodes: a person on node 1 types a command, the bot that registered it is
 * connected to node 2 with its token, gets the command, and answers in the room or to that person alone.
 */
class BotCommandsTest {

  @RegisterExtension
  static final ClusterFixture nodes = new ClusterFixture(2);

  private record Person(String name, Http http, BridgeClient bus) {
  }

  private Person person(String base, int node) {
    String name = Names.unique(base);
    Http http = new Http(nodes.vertx(), nodes.cluster().node(node).port()).signUp(name);
    return new Person(name, http, nodes.closeAfterTest(BridgeClient.connect(nodes.vertx(),
      nodes.cluster().node(node).port(), http.cookie())));
  }

  private BridgeClient botSocket(String token, int node) {
    return nodes.closeAfterTest(BridgeClient.connect(nodes.vertx(), new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.cluster().node(node).port())
        .addHeader("Authorization", "Bearer " + token), null, Duration.ofSeconds(10)));
  }

  /** A bot made by its owner, with these commands registered; its token. */
  private static String bot(Person owner, String name, String... commands) {
    Http.Response made = owner.http().post("/api/bots", new JsonObject().put("name", name));
    assertEquals(201, made.status(), made.body());
    JsonArray list = new JsonArray();
    for (String command : commands) {
      list.add(new JsonObject().put("name", command).put("description", "does " + command)
        .put("usage", "/" + command + " <what>"));
    }
    Http.Response set = owner.http().call(HttpMethod.PUT, "/api/bots/" + name + "/commands", list.encode(),
      "application/json");
    assertEquals(200, set.status(), set.body());
    return made.json().getString("token");
  }

  @Test
  void aCommandOnOneNodeReachesItsBotOnTheOtherWhichAnswersInTheRoomOrToOnePerson() {
    Person alice = person("alice", 0);
    Person bob = person("bob", 0);
    String name = Names.unique("echo");
    String command = name.toLowerCase();
    String token = bot(alice, name, command);
    BridgeClient bot = botSocket(token, 1);
    bot.register("chat.user." + name);
    bot.register("chat.room.global");
    alice.bus().register("chat.user." + alice.name());
    alice.bus().register("chat.room.global");
    bob.bus().register("chat.user." + bob.name());
    bob.bus().register("chat.room.global");
    TestCluster.awaitTrue("the bot online on node 1", () -> alice.http().online(name));

    // listed for the page's completion
    JsonArray listed = alice.http().get("/api/commands").json().getJsonArray("commands");
    assertTrue(listed.stream().map(c -> (JsonObject) c).anyMatch(c -> command.equals(c.getString("name"))
      && name.equals(c.getString("bot")) && ("/" + command + " <what>").equals(c.getString("usage"))), listed.encode());

    BridgeClient.Reply sent = alice.bus().request("chat.send",
      new JsonObject().put("room", "global").put("text", "/" + command + "  hello there "));
    assertFalse(sent.failed(), sent.frame().encode());
    assertEquals("command", sent.body().getString("type"));
    assertEquals(name, sent.body().getString("bot"));
    JsonObject got = bot.next("chat.user." + name);
    assertEquals("command", got.getString("type"));
    assertEquals(command, got.getString("command"));
    assertEquals("hello there", got.getString("args"));
    assertEquals("global", got.getString("room"));
    assertEquals(alice.name(), got.getString("user"));
    assertEquals(sent.body().getString("id"), got.getString("id"));

    // privately: only alice sees the answer, and nothing is stored
    BridgeClient.Reply whisper = bot.request("chat.send", new JsonObject().put("room", "global")
      .put("text", "just for you").put("to", alice.name()));
    assertFalse(whisper.failed(), whisper.frame().encode());
    JsonObject seen = alice.bus().next("chat.user." + alice.name());
    assertEquals("ephemeral", seen.getString("type"));
    assertEquals(name, seen.getString("sender"));
    assertEquals("just for you", seen.getString("text"));
    // in the room: everyone; bob's first frame in the room is the bot's answer, never the command or the whisper
    assertFalse(bot.request("chat.send", new JsonObject().put("room", "global").put("text", "hello, all")).failed());
    JsonObject inRoom = bob.bus().next("chat.room.global");
    assertEquals("hello, all", inRoom.getString("text"));
    assertEquals(name, inRoom.getString("sender"));
    assertTrue(bob.bus().received("chat.user." + bob.name()).isEmpty(), "bob got no ephemeral reply");
    JsonArray history = bob.bus().request("chat.history", new JsonObject().put("room", "global").put("limit", 20))
      .body().getJsonArray("messages");
    assertTrue(history.stream().map(m -> ((JsonObject) m).getString("text"))
      .noneMatch(t -> t.startsWith("/" + command) || t.equals("just for you")), history.encode());
  }

  @Test
  void unknownCommandsOfflineBotsAndPeopleWhisperingAreRefusedAtOnce() {
    Person carol = person("carol", 0);
    String name = Names.unique("sleepy");
    String command = name.toLowerCase();
    bot(carol, name, command);
    BridgeClient.Reply offline = carol.bus().request("chat.send",
      new JsonObject().put("room", "global").put("text", "/" + command + " wake up"));
    assertEquals(404, offline.failureCode(), offline.frame().encode());
    assertTrue(offline.frame().getString("message").contains("offline"), offline.frame().encode());
    BridgeClient.Reply unknown = carol.bus().request("chat.send",
      new JsonObject().put("room", "global").put("text", "/nosuchcommand42"));
    assertEquals(404, unknown.failureCode(), unknown.frame().encode());
    BridgeClient.Reply path = carol.bus().request("chat.send",
      new JsonObject().put("room", "global").put("text", "/etc/hosts is a file"));
    assertFalse(path.failed(), "a slash that is no command is text: " + path.frame().encode());
    BridgeClient.Reply whisper = carol.bus().request("chat.send",
      new JsonObject().put("room", "global").put("text", "psst").put("to", carol.name()));
    assertEquals(403, whisper.failureCode(), "only a bot replies to one person");

    // another bot cannot take the name, and bad lists change nothing
    Person dave = person("dave", 1);
    Http.Response make = dave.http().post("/api/bots", new JsonObject().put("name", Names.unique("rival")));
    String rival = make.json().getString("name");
    Http.Response taken = dave.http().call(HttpMethod.PUT, "/api/bots/" + rival + "/commands",
      new JsonArray().add(new JsonObject().put("name", command)).encode(), "application/json");
    assertEquals(409, taken.status(), taken.body());
    for (String bad : List.of("{}", "[{\"name\":\"Has Space\"}]", "[{\"name\":\"a\"},{\"name\":\"a\"}]", "nonsense")) {
      Http.Response refused = dave.http().call(HttpMethod.PUT, "/api/bots/" + rival + "/commands", bad,
        "application/json");
      assertEquals(400, refused.status(), bad + " " + refused.body());
      assertTrue(refused.json().getJsonObject("errors").containsKey("commands"), refused.body());
    }
    assertEquals(404, carol.http().call(HttpMethod.PUT, "/api/bots/" + rival + "/commands", "[]", "application/json")
      .status(), "not carol's bot");
    assertTrue(dave.http().get("/api/commands").json().getJsonArray("commands").stream()
      .map(c -> (JsonObject) c).noneMatch(c -> rival.equals(c.getString("bot"))));
  }
}
