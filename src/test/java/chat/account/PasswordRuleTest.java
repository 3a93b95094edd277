package chat.account;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordRuleTest {

  private static final String COMMON = "is too common, choose another";

  /** Ranks in the corpus (SecLists' 10-million-password-list-top-100000): 2, 3, 1,000, ~50,000, 75,000, 99,996. */
  @ParameterizedTest
  @ValueSource(strings = {"password", "12345678", "freepass", "candlebo", "vladimirovna", "07021954"})
  void refusesTheCorpusTop100000AtEveryRank(String password) {
    assertEquals(COMMON, PasswordRule.problem(password));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PASSWORD", "PassWord", "CandleBo", "VLADIMIROVNA"})
  void comparesIgnoringCase(String password) {
    assertEquals(COMMON, PasswordRule.problem(password));
  }

  @Test
  void refusesTheFewKeptFromTheOldListToo() {
    assertEquals(COMMON, PasswordRule.problem("vertxchat"));
    assertEquals(COMMON, PasswordRule.problem("P@ssword"));
  }

  @Test
  void theMostCommonOfAllIsRefusedByLengthFirst() {
    assertEquals("must be at least 8 characters", PasswordRule.problem("123456"));
  }

  /** One letter off an entry, and one from the corpus past its top 100,000 (another SecLists list). */
  @ParameterizedTest
  @ValueSource(strings = {"passwordx", "07021954x", "tikbalang1"})
  void acceptsWhatIsJustOffTheList(String password) {
    assertNull(PasswordRule.problem(password));
  }

  /** Strong ones, and every password the other tests, the benchmark and the browser tests register with. */
  @ParameterizedTest
  @ValueSource(strings = {"Meadowlark-violin-ferry-42", "correct horse battery staple", "Quiet-harbour-47",
    "Lantern-orchard-93", "a-good-password", "correct horse", "alice-password", "bob-password1", "pw-alice-long",
    "pw-bob-long", "longenough1", "bench-Pa55word-x", "Not-the-password-1"})
  void acceptsStrongAndFixturePasswords(String password) {
    assertNull(PasswordRule.problem(password));
  }

  @Test
  void keepsTheLengthRulesInCharactersAndUtf8Bytes() {
    assertEquals("must be at least 8 characters", PasswordRule.problem("Abc-123"));
    assertEquals("must be at least 8 characters", PasswordRule.problem("🔑".repeat(7)));
    assertNull(PasswordRule.problem("🔑".repeat(8)), "8 characters in 32 bytes");
    assertNull(PasswordRule.problem("ü".repeat(36)), "exactly 72 bytes");
    assertEquals("must be at most 72 bytes (UTF-8)", PasswordRule.problem("é".repeat(37)));
    assertEquals("must be at most 72 bytes (UTF-8)", PasswordRule.problem("a".repeat(71) + "é"));
  }

  @Test
  void loadsTheListOnceAsACompactSet() {
    for (int i = 0; i < 1_000; i++) {
      PasswordRule.problem("candidate-" + i);
    }
    assertEquals(1, PasswordRule.commonLoads());
    assertEquals(38_458, PasswordRule.commonCount());
  }

  @Test
  void thePageGetsTheSameListTheServerReads() throws IOException {
    byte[] server = resource(PasswordRule.COMMON_RESOURCE);
    byte[] page = resource("/webroot/vendor/common-passwords.txt");
    assertTrue(server.length > 300_000, server.length + " bytes");
    assertArrayEquals(server, page);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = PasswordRuleTest.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }
}
