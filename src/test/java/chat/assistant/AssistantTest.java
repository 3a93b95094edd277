package chat.assistant;

import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.TestCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in assistant on one real node, used as people use it: a command typed in a room, an answer only they see
 * (or, for /poll, a poll everyone sees), a reminder that arrives privately when it is due.
 */
class AssistantTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  /** The text of the next ephemeral answer this user gets. */
  private static String answer(ChatUser user) {
    JsonObject notice = user.bus().takeTyped("ephemeral");
    assertEquals("assistant", notice.getString("sender"));
    return notice.getString("text");
  }

  private static JsonObject command(ChatUser user, String text) {
    TestCluster.awaitTrue("the assistant online", () -> user.http().get("/api/users?q=assistant").json()
      .getJsonArray("users").getJsonObject(0).getBoolean("online", false));
    BridgeClient.Reply sent = user.bus().request("chat.send", new JsonObject().put("room", "global").put("text", text));
    assertFalse(sent.failed(), sent.frame().encode());
    assertEquals("command", sent.body().getString("type"));
    return sent.body();
  }

  private static ChatUser listening(String base) {
    ChatUser user = chat.user(base);
    user.bus().register("chat.user." + user.name().toLowerCase());
    user.bus().register("chat.room.global");
    return user;
  }

  @Test
  void helpListsEveryCommandAndWhoSaysWhoIsOnline() {
    ChatUser alice = listening("alice");
    ChatUser bob = listening("bob");
    command(alice, "/help");
    String help = answer(alice);
    for (String usage : List.of("/help", "/who", PollArgs.USAGE, When.USAGE)) {
      assertTrue(help.contains(usage), help);
    }
    command(alice, "/who");
    String who = answer(alice);
    assertTrue(who.startsWith("Online here ("), who);
    assertTrue(who.contains(alice.name()) && who.contains(bob.name()), who);
    assertTrue(bob.bus().framesWhere(f -> f.getString("address", "").startsWith("chat.user.")).isEmpty(),
      "bob sees nobody else's answers");
  }

  @Test
  void aPollIsPostedForTheRoomAndBadArgumentsGetTheUsageLine() {
    ChatUser alice = listening("alice");
    ChatUser bob = listening("bob");
    command(alice, "/poll \"Lunch?\" \"Pizza\" \"Sushi\"");
    JsonObject poll = bob.bus().take(f -> "chat.room.global".equals(f.getString("address"))
      && f.getJsonObject("body").containsKey("poll")).getJsonObject("body");
    assertEquals("assistant", poll.getString("sender"));
    assertTrue(poll.getBoolean("bot"));
    assertEquals("Lunch?", poll.getString("text"));
    assertEquals(new JsonArray(List.of("Pizza", "Sushi")), poll.getJsonObject("poll").getJsonArray("options"));

    command(alice, "/poll Lunch? Pizza");
    assertEquals("Usage: " + PollArgs.USAGE, answer(alice));
  }

  @Test
  void aReminderArrivesPrivatelyOnceWhenDueAndImpossibleOnesAreRefused() {
    ChatUser alice = listening("alice");
    command(alice, "/remind at 2020-01-01 10:00 the past");
    assertEquals("No reminder: that time has passed", answer(alice));
    command(alice, "/remind in 400d the far future");
    assertEquals("No reminder: that is more than a year ahead", answer(alice));

    command(alice, "/remind in 2s stretch your legs");
    assertTrue(answer(alice).startsWith("I will remind you privately on "));
    // a private message from the assistant, in their private room, as any first private message is announced
    JsonObject notice = alice.bus().take(f -> f.getString("address", "").equals("chat.user." + alice.name().toLowerCase())
      && f.getJsonObject("body").containsKey("message")).getJsonObject("body");
    JsonObject message = notice.getJsonObject("message");
    assertEquals("assistant", message.getString("sender"));
    assertEquals("⏰ Reminder: stretch your legs", message.getString("text"));
    String room = notice.getString("room");
    assertEquals(List.of("⏰ Reminder: stretch your legs"),
      alice.bus().historyAfter(room, 0).stream().map(m -> m.getString("text")).toList());
  }
}
