package chat.assistant;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ClusterFixture;
import chat.support.Http;
import chat.support.Names;
import chat.support.TestCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reminders on three real clustered nodes, each running the assistant: every reminder is posted once, whichever
 * nodes hear the command and look for due reminders, and still once when the node that took the request has
 * stopped before it is due.
 */
class RemindersClusterTest {

  private static final int PEOPLE = 6;

  @RegisterExtension
  static final ClusterFixture nodes = new ClusterFixture(3);

  private record Person(String name, Http http, BridgeClient bus) {
    String reminders() {
      return RoomId.between(name, AssistantVerticle.NAME).id();
    }
  }

  private Person person(int node) {
    String name = Names.unique("rem");
    Http http = new Http(nodes.vertx(), nodes.cluster().node(node).port()).signUp(name);
    return connected(name, http, node);
  }

  private Person connected(String name, Http http, int node) {
    BridgeClient bus = nodes.closeAfterTest(BridgeClient.connect(nodes.vertx(), nodes.cluster().node(node).port(),
      http.cookie()));
    bus.register("chat.user." + name.toLowerCase());
    return new Person(name, http, bus);
  }

  /** Asks for a reminder and waits for the assistant's answer, which says it is stored. */
  private static void remind(Person person, String text) {
    TestCluster.awaitTrue("the assistant online", () -> person.http().get("/api/users?q=assistant").json()
      .getJsonArray("users").getJsonObject(0).getBoolean("online", false));
    BridgeClient.Reply sent = person.bus().request("chat.send", new JsonObject().put("room", "global")
      .put("text", "/remind in 3s " + text));
    assertFalse(sent.failed(), sent.frame().encode());
    String answer = person.bus().takeTyped("ephemeral").getString("text");
    assertTrue(answer.startsWith("I will remind you privately"), answer);
  }

  /** The reminders in the person's private room with the assistant, once that room has one. */
  private static List<String> delivered(Person person) {
    List<String> texts = new ArrayList<>();
    TestCluster.awaitTrue("a reminder for " + person.name(), () -> {
      texts.clear();
      person.bus().historyAfter(person.reminders(), 0).forEach(m -> texts.add(m.getString("text")));
      return !texts.isEmpty();
    });
    return texts;
  }

  @Test
  void eachReminderIsPostedOnceEvenWhenTheNodeThatTookItHasStopped() {
    List<Person> people = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      people.add(person(i % 3));
    }
    people.forEach(person -> remind(person, "water the plants, " + person.name()));
    for (Person person : people) {
      assertEquals(List.of("⏰ Reminder: water the plants, " + person.name()), delivered(person));
    }

    // the node alice asked on stops before her reminder is due: the two others post it, once
    Person alice = person(0);
    remind(alice, "the node I asked on is gone");
    nodes.cluster().node(0).close();
    Person aliceAgain = connected(alice.name(), new Http(nodes.vertx(), nodes.cluster().node(1).port())
      .logIn(alice.name(), Http.passwordOf(alice.name())), 1);
    assertEquals(List.of("⏰ Reminder: the node I asked on is gone"), delivered(aliceAgain));
    // the first ones are still there once, after the surviving nodes looked for due ones again and again
    for (Person person : people.subList(1, 3)) {
      assertEquals(List.of("⏰ Reminder: water the plants, " + person.name()), delivered(person));
    }
  }
}
