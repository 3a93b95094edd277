package chat.bot;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bot without a socket (issue 19): it long-polls GET /api/bots/updates for its commands and private messages, and
 * counts as there for commands while it polls; bots' own send rate and channel limit, met the way a runaway bot
 * would meet them, while a person keeps chatting.
 */
class BotUpdatesTest {

  private static final int BOT_BURST = 3;

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("bots", new JsonObject()
    .put("messagesPerSecond", 1).put("messageBurst", BOT_BURST).put("maxChannels", 1).put("assistant", false)));

  private static Http.Response asBot(String token, HttpMethod method, String path, String body) {
    return chat.http().callWithHeaders(method, path, body, body == null ? null : "application/json",
      "Authorization", "Bearer " + token);
  }

  private static String bot(ChatUser owner, String name, String command) {
    Http.Response made = owner.http().post("/api/bots", new JsonObject().put("name", name));
    assertEquals(201, made.status(), made.body());
    String token = made.json().getString("token");
    if (command != null) {
      Http.Response set = asBot(token, HttpMethod.PUT, "/api/bots/" + name + "/commands",
        new JsonArray().add(new JsonObject().put("name", command)).encode());
      assertEquals(200, set.status(), set.body());
    }
    return token;
  }

  private static JsonArray poll(String token, long after, int wait) {
    Http.Response polled = asBot(token, HttpMethod.GET, "/api/bots/updates?after=" + after + "&wait=" + wait, null);
    assertEquals(200, polled.status(), polled.body());
    return polled.json().getJsonArray("updates");
  }

  @Test
  void aPollingBotGetsItsCommandsAndPrivateMessagesInOrderOnceEach() throws Exception {
    ChatUser alice = chat.user("alice");
    String name = Names.unique("Poller");
    String command = name.toLowerCase();
    String token = bot(alice, name, command);

    // never polled, no socket: offline
    assertEquals(404, alice.bus().request("chat.send", new JsonObject().put("room", "global")
      .put("text", "/" + command + " early")).failureCode());
    assertTrue(poll(token, 0, 0).isEmpty());

    // a poll that waits is answered as soon as a command comes, not when its wait is over
    Future<Http.Response> waiting = chat.http().callAsync(new RequestOptions().setMethod(HttpMethod.GET)
      .setURI("/api/bots/updates?after=0&wait=50").putHeader("Authorization", "Bearer " + token));
    BridgeClient.Reply sent = alice.bus().request("chat.send", new JsonObject().put("room", "global")
      .put("text", "/" + command + " hello"));
    assertFalse(sent.failed(), sent.frame().encode());
    Http.Response woken = waiting.await(20, TimeUnit.SECONDS);
    assertEquals(200, woken.status(), woken.body());
    JsonObject update = woken.json().getJsonArray("updates").getJsonObject(0);
    assertEquals("command", update.getString("type"));
    assertEquals("hello", update.getString("args"));
    assertEquals(alice.name(), update.getString("user"));
    assertEquals(sent.body().getString("id"), update.getString("id"));

    // a private message to the bot, then: the next poll has only what came after the one it acknowledges
    String room = RoomId.between(alice.name(), name).id();
    assertFalse(alice.bus().request("chat.send", new JsonObject().put("room", room).put("text", "psst")).failed());
    long seen = update.getLong("updateId");
    JsonArray next = poll(token, seen, 10);
    assertEquals(1, next.size(), next.encode());
    assertEquals("message", next.getJsonObject(0).getString("type"));
    assertEquals("psst", next.getJsonObject(0).getJsonObject("message").getString("text"));
    assertTrue(next.getJsonObject(0).getLong("updateId") > seen);
    assertTrue(poll(token, next.getJsonObject(0).getLong("updateId"), 0).isEmpty(), "acknowledged, not sent again");
    // an earlier id no longer brings back what was acknowledged (it is gone)
    assertTrue(poll(token, 0, 0).isEmpty());
  }

  @Test
  void onlyBotsPollAndBadParametersNameTheField() {
    ChatUser alice = chat.user("alice");
    String token = bot(alice, Names.unique("Poller"), null);
    assertEquals(403, alice.http().get("/api/bots/updates").status());
    Http.Response after = asBot(token, HttpMethod.GET, "/api/bots/updates?after=-1", null);
    assertEquals(400, after.status());
    assertTrue(after.json().getJsonObject("errors").containsKey("after"), after.body());
    Http.Response wait = asBot(token, HttpMethod.GET, "/api/bots/updates?wait=61", null);
    assertEquals(400, wait.status());
    assertTrue(wait.json().getJsonObject("errors").containsKey("wait"), wait.body());
  }

  @Test
  void aFloodingBotMeetsItsOwnLimitWhileAPersonKeepsChattingAndABotJoinsOneChannel() {
    ChatUser alice = chat.user("alice");
    alice.bus().register("chat.room.global");
    String token = bot(alice, Names.unique("Flood"), null);
    // fire and forget, many at once: the bot's own bucket, not the person's generous one
    List<Future<Http.Response>> posts = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      posts.add(chat.http().callAsync(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/bots/messages")
        .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json"),
        new JsonObject().put("room", "global").put("text", "spam " + i).encode()));
    }
    BridgeClient.Reply person = alice.bus().request("chat.send", new JsonObject().put("room", "global")
      .put("text", "still here"));
    assertFalse(person.failed(), person.frame().encode());
    Future.join(posts).await();
    long created = posts.stream().filter(p -> p.result().status() == 201).count();
    assertTrue(posts.stream().allMatch(p -> p.result().status() == 201 || p.result().status() == 429),
      posts.stream().map(p -> p.result().status() + " " + p.result().body()).toList().toString());
    // a bucket of BOT_BURST refilled at 1 a second: the 100 go out in well under 10 s
    assertTrue(created >= BOT_BURST && created <= BOT_BURST + 10, created + " accepted");

    // bots.maxChannels = 1: the bot's second channel is refused and leaves nothing behind
    for (String channel : List.of("first", "second")) {
      Http.Response made = alice.http().post("/api/channels", new JsonObject().put("name",
        channel + Names.unique("c").toLowerCase()).put("visibility", "public"));
      assertEquals(201, made.status(), made.body());
      String channelName = made.json().getString("name");
      Http.Response joined = asBot(token, HttpMethod.POST, "/api/channels/" + channelName + "/join", null);
      assertEquals(channel.equals("first") ? 200 : 403, joined.status(), joined.body());
      if (channel.equals("second")) {
        assertEquals(1, alice.http().get("/api/channels/" + channelName).json().getJsonArray("members").size(),
          "only its owner");
      }
    }
  }
}
