package chat.assistant;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WhenTest {

  private static final Instant NOW = Instant.parse("2026-12-06T23:30:00Z");
  private static final ZoneId UTC = ZoneId.of("UTC");

  @Test
  void relativeTimesAddUp() {
    assertEquals(new When.Reminder(NOW.plus(Duration.ofMinutes(10)), "tea"), When.parse("in 10m tea", NOW, UTC));
    assertEquals(NOW.plus(Duration.ofMinutes(90)), When.parse("in 1h30m call Bob back", NOW, UTC).due());
    assertEquals("call Bob back", When.parse("in 1h 30m call Bob back", NOW, UTC).text());
    assertEquals(NOW.plusSeconds(5), When.parse("IN 5S go", NOW, UTC).due());
    assertEquals(NOW.plus(Duration.ofDays(3)), When.parse("in 3d renew\nthe domain", NOW, UTC).due());
  }

  @Test
  void clockTimesAreReadInTheConfiguredZone() {
    assertEquals(Instant.parse("2026-12-07T09:00:00Z"), When.parse("tomorrow 9:00 stand-up", NOW, UTC).due());
    // 23:30 in UTC is 00:30 on the 7th in Paris: tomorrow there is the 8th
    assertEquals(Instant.parse("2026-12-08T08:00:00Z"),
      When.parse("tomorrow 9:00 stand-up", NOW, ZoneId.of("Europe/Paris")).due());
    assertEquals(Instant.parse("2026-12-24T18:00:00Z"), When.parse("at 2026-12-24 18:00 presents", NOW, UTC).due());
    // "at" a time of day: the next one, here tomorrow's since today's has passed
    assertEquals(Instant.parse("2026-12-07T18:00:00Z"), When.parse("at 18:00 gym", NOW, UTC).due());
    assertEquals(Instant.parse("2026-12-06T23:45:00Z"), When.parse("today 23:45 sleep", NOW, UTC).due());
  }

  @Test
  void thePastAYearAheadAndNonsenseAreRefusedWithWhy() {
    assertTrue(refused("at 2020-01-01 10:00 old").contains("passed"));
    assertTrue(refused("today 10:00 too late").contains("passed"));
    assertTrue(refused("in 366d far").contains("more than a year"));
    assertTrue(refused("at 2028-01-01 10:00 far").contains("more than a year"));
    assertTrue(refused("in 10m").contains("missing"));
    assertTrue(refused("someday soon").contains("Usage"));
    assertTrue(refused("at 25:00 never").contains("no such time"));
    assertTrue(refused("at 2026-02-30 10:00 never").contains("no such date"));
    assertTrue(refused("").contains("Usage"));
  }

  private static String refused(String args) {
    return assertThrows(IllegalArgumentException.class, () -> When.parse(args, NOW, UTC)).getMessage();
  }
}
