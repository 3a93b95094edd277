package chat.assistant;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PollArgsTest {

  @Test
  void aQuestionAndItsOptionsInStraightOrCurlyQuotes() {
    assertEquals(new PollArgs.Poll("Lunch?", List.of("Pizza", "Sushi")), PollArgs.parse("\"Lunch?\" \"Pizza\" \"Sushi\""));
    assertEquals(new PollArgs.Poll("Where to?", List.of("Lyon", "Nice", "Rome")),
      PollArgs.parse("“Where to?”  “Lyon” \"Nice\"“Rome”"));
  }

  @Test
  void anythingElseIsTheUsageLine() {
    for (String bad : List.of("", "Lunch? Pizza Sushi", "\"Lunch?\" \"Pizza\"", "\"Lunch?\" \"Pizza\" Sushi",
        "\"Lunch?\" \"\" \"Sushi\"", "\"Q\" \"1\" \"2\" \"3\" \"4\" \"5\" \"6\" \"7\" \"8\" \"9\" \"10\" \"11\"",
        "\"Lunch?\" \"Pizza\" \"Sushi")) {
      assertEquals("Usage: " + PollArgs.USAGE,
        assertThrows(IllegalArgumentException.class, () -> PollArgs.parse(bad), bad).getMessage());
    }
  }
}
