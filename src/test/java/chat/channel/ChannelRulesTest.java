package chat.channel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ChannelRulesTest {

  private static final List<String> TOPICS = List.of("general", "news");

  @Test
  void aNameIsWhatPeopleTypeInLowerCaseAndNeverAReservedOne() {
    assertNull(ChannelRules.nameProblem("team-a", TOPICS));
    assertNull(ChannelRules.nameProblem("Team-A", TOPICS));
    assertEquals("team-a", ChannelRules.normalName("Team-A"));
    assertEquals("required", ChannelRules.nameProblem(null, TOPICS));
    assertEquals("required", ChannelRules.nameProblem(42, TOPICS));
    for (String bad : List.of("a", "x".repeat(33), "with space", "dot.ted", "under_score", "ünï", "")) {
      assertEquals("must be 2 to 32 letters, digits or -", ChannelRules.nameProblem(bad, TOPICS), bad);
    }
    for (String reserved : List.of("global", "GLOBAL", "general", "News")) {
      assertEquals("is reserved", ChannelRules.nameProblem(reserved, TOPICS), reserved);
    }
  }

  @Test
  void visibilityAndDescription() {
    assertNull(ChannelRules.visibilityProblem("public", true));
    assertNull(ChannelRules.visibilityProblem("private", true));
    assertNull(ChannelRules.visibilityProblem(null, false));
    assertEquals("must be public or private", ChannelRules.visibilityProblem(null, true));
    assertEquals("must be public or private", ChannelRules.visibilityProblem("Public", false));
    assertNull(ChannelRules.descriptionProblem(null));
    assertNull(ChannelRules.descriptionProblem("x".repeat(500)));
    assertEquals("must be at most 500 characters", ChannelRules.descriptionProblem("x".repeat(501)));
    assertEquals("must be at most 500 characters", ChannelRules.descriptionProblem("a\0b"));
    assertEquals("must be text", ChannelRules.descriptionProblem(List.of()));
  }
}
