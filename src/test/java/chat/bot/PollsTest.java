package chat.bot;

import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Polls (issue 19) on one real node: a bot posts one, people vote on it over the bridge at the same time, change
 * their minds and take votes back; every page sees the counts live and in order, and history has them.
 */
class PollsTest {

  private static final int VOTERS = 30;

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject()
    .put("security", new JsonObject().put("requestsPerSecond", 1000).put("requestBurst", 1000)));

  private static BridgeClient botSocket(String token) {
    return chat.closeAfterTest(BridgeClient.connect(chat.vertx(), new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(chat.port()).addHeader("Authorization", "Bearer " + token),
      null, Duration.ofSeconds(10)));
  }

  /** A new bot of this owner, its token. */
  private static String bot(ChatUser owner, String name) {
    Http.Response made = owner.http().post("/api/bots", new JsonObject().put("name", name));
    assertEquals(201, made.status(), made.body());
    return made.json().getString("token");
  }

  private static JsonObject poll(String question, String... options) {
    return new JsonObject().put("room", "global").put("text", question).put("poll", new JsonArray(List.of(options)));
  }

  @Test
  void peopleVoteAtOnceChangeAndTakeBackAndEveryPageSeesTheCountsInOrder() {
    ChatUser owner = chat.user("owner");
    String name = Names.unique("Pollster");
    BridgeClient bot = botSocket(bot(owner, name));
    owner.bus().register("chat.room.global");

    BridgeClient.Reply posted = bot.request("chat.send", poll("Lunch?", "Pizza", "Sushi", "Soup"));
    assertFalse(posted.failed(), posted.frame().encode());
    JsonObject message = posted.body();
    long id = message.getLong("id");
    assertTrue(message.getBoolean("bot"), message.encode());
    assertEquals(new JsonArray(List.of(0, 0, 0)), message.getJsonObject("poll").getJsonArray("votes"));
    JsonObject live = owner.bus().next("chat.room.global");
    assertEquals(id, live.getLong("id"));
    assertTrue(live.getBoolean("bot"));
    assertEquals(new JsonArray(List.of("Pizza", "Sushi", "Soup")), live.getJsonObject("poll").getJsonArray("options"));

    // VOTERS people vote at once, each on their own socket: two thirds Sushi, a third Soup
    List<ChatUser> voters = new ArrayList<>();
    for (int i = 0; i < VOTERS; i++) {
      voters.add(chat.user("voter"));
    }
    List<JsonObject> votes = new ArrayList<>();
    for (int i = 0; i < VOTERS; i++) {
      votes.add(new JsonObject().put("room", "global").put("id", id).put("option", i % 3 == 0 ? 2 : 1));
    }
    BridgeClient.Burst burst = BridgeClient.burst(voters.stream().map(ChatUser::bus).toList(), "chat.vote", votes);
    assertEquals(VOTERS, burst.accepted(), burst.replies().toString());
    JsonArray expected = new JsonArray(List.of(0, VOTERS * 2 / 3, VOTERS / 3));

    // the counts every page was sent, one event per vote, each at least the one before: the last is the total
    List<JsonArray> seen = new ArrayList<>();
    for (int i = 0; i < VOTERS; i++) {
      JsonObject event = owner.bus().take(f -> "chat.room.global".equals(f.getString("address"))
        && "votes".equals(f.getJsonObject("body").getString("type")));
      assertEquals(id, event.getJsonObject("body").getLong("id"));
      seen.add(event.getJsonObject("body").getJsonArray("votes"));
    }
    for (int i = 1; i < seen.size(); i++) {
      int before = seen.get(i - 1).stream().mapToInt(v -> (Integer) v).sum();
      assertEquals(before + 1, seen.get(i).stream().mapToInt(v -> (Integer) v).sum(), "in order: " + seen);
    }
    assertEquals(expected, seen.get(seen.size() - 1));

    // one vote per person: voting again changes it, the same vote again changes nothing, null takes it back
    BridgeClient first = voters.get(1).bus();
    BridgeClient.Reply changed = first.request("chat.vote", new JsonObject().put("room", "global").put("id", id)
      .put("option", 0));
    assertEquals(new JsonArray(List.of(1, VOTERS * 2 / 3 - 1, VOTERS / 3)), changed.body().getJsonArray("votes"));
    assertEquals(0, changed.body().getInteger("mine"));
    BridgeClient.Reply back = first.request("chat.vote", new JsonObject().put("room", "global").put("id", id)
      .putNull("option"));
    assertEquals(new JsonArray(List.of(0, VOTERS * 2 / 3 - 1, VOTERS / 3)), back.body().getJsonArray("votes"));
    assertNull(back.body().getValue("mine"));

    // history: the counts now, and the reader's own vote
    JsonObject inHistory = voters.get(0).bus().historyAfter("global", id - 1).stream()
      .filter(m -> m.getLong("id") == id).findFirst().orElseThrow();
    assertEquals(new JsonArray(List.of(0, VOTERS * 2 / 3 - 1, VOTERS / 3)),
      inHistory.getJsonObject("poll").getJsonArray("votes"));
    assertEquals(2, inHistory.getJsonObject("poll").getInteger("mine"));
    assertTrue(inHistory.getBoolean("bot"));
  }

  @Test
  void badPollsAndBadVotesAreRefusedAndChangeNothing() {
    ChatUser alice = chat.user("alice");
    BridgeClient bot = botSocket(bot(alice, Names.unique("Pollster")));

    // people ask a bot for a poll; they do not post one
    assertEquals(403, alice.bus().request("chat.send", poll("Mine?", "a", "b")).failureCode());
    for (JsonObject bad : List.of(poll("One?", "only"), poll("Same?", "a", "a"), poll("Empty?", "a", " "),
        poll("Many?", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), poll("Long?", "a", "x".repeat(101)),
        new JsonObject().put("room", "global").put("text", "Not a list?").put("poll", "a, b"))) {
      BridgeClient.Reply refused = bot.request("chat.send", bad);
      assertEquals(400, refused.failureCode(), bad.encode());
      assertTrue(refused.frame().getString("message").startsWith("poll must be"), refused.frame().encode());
    }

    long poll = bot.request("chat.send", poll("Tea?", "Yes", "No")).body().getLong("id");
    long message = bot.request("chat.send", new JsonObject().put("room", "global").put("text", "not a poll"))
      .body().getLong("id");
    assertEquals(404, alice.bus().request("chat.vote", vote("global", message, 0)).failureCode());
    assertEquals(404, alice.bus().request("chat.vote", vote("topic.news", poll, 0)).failureCode(), "another room");
    assertEquals(400, alice.bus().request("chat.vote", vote("global", poll, 2)).failureCode());
    assertEquals(400, alice.bus().request("chat.vote", vote("global", poll, -1)).failureCode());
    assertEquals(400, alice.bus().request("chat.vote", new JsonObject().put("room", "global").put("id", poll)
      .put("option", "Yes")).failureCode());
    assertEquals(400, alice.bus().request("chat.vote", new JsonObject().put("room", "global").put("option", 0))
      .failureCode());
    BridgeClient.Reply counted = alice.bus().request("chat.vote", vote("global", poll, 1));
    assertEquals(new JsonArray(List.of(0, 1)), counted.body().getJsonArray("votes"), "nothing counted before");
  }

  @Test
  void aBotRegistersItsOwnCommandsButNoOtherBotsAndPeopleSeeItIsABot() {
    ChatUser alice = chat.user("alice");
    String name = Names.unique("Selfie");
    String token = bot(alice, name);
    String other = Names.unique("Other");
    bot(alice, other);
    JsonArray commands = new JsonArray().add(new JsonObject().put("name", name.toLowerCase()).put("usage", "/x"));
    Http.Response own = chat.http().callWithHeaders(HttpMethod.PUT,
      "/api/bots/" + name + "/commands", commands.encode(), "application/json", "Authorization", "Bearer " + token);
    assertEquals(200, own.status(), own.body());
    assertEquals(name, own.json().getJsonArray("commands").getJsonObject(0).getString("bot"));
    Http.Response others = chat.http().callWithHeaders(HttpMethod.PUT,
      "/api/bots/" + other + "/commands", commands.encode(), "application/json", "Authorization", "Bearer " + token);
    assertEquals(403, others.status(), others.body());

    JsonArray found = alice.http().get("/api/users?q=" + name).json().getJsonArray("users");
    assertEquals(Boolean.TRUE, found.getJsonObject(0).getBoolean("bot"), found.encode());
    JsonArray person = alice.http().get("/api/users?q=" + alice.name()).json().getJsonArray("users");
    assertNull(person.getJsonObject(0).getValue("bot"), person.encode());
  }

  private static JsonObject vote(String room, long id, int option) {
    return new JsonObject().put("room", room).put("id", id).put("option", option);
  }
}
