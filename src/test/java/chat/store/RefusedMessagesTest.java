package chat.store;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.NewMessage;
import chat.bus.Saved;
import chat.support.Names;
import chat.support.TestDatabase;
import chat.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Messages that the store or the database refuses, sent straight to the store (the page's validation would stop
 * most of them) among hundreds of good ones. The test holds the messages table meanwhile, as a long transaction of
 * an operator's would: the first message waits in the database and every other one queues behind it, so the
 * batches are known (the first message alone, then {@link GroupCommit#MAX_BATCH} at a time). The database itself
 * counts the INSERT statements that commit, so "stored in one go" is what it saw, not what the store says.
 */
class RefusedMessagesTest {

  private static final int QUEUED = 2 * GroupCommit.MAX_BATCH;
  /** A rule of the database that the store does not know: it refuses these texts for reasons of its own. */
  private static final String REFUSED_BY_THE_DATABASE = "refused by the database";

  private static TestNode node;
  private static Connection db;

  @BeforeAll
  static void start() throws SQLException {
    node = TestNode.start();
    JsonObject config = node.config().getJsonObject("db");
    db = DriverManager.getConnection(config.getString("url"), config.getString("user", "SA"),
      config.getString("password", ""));
    execute("CREATE TABLE test_inserts (n INT)");
    if (TestDatabase.postgres()) {
      execute("CREATE FUNCTION test_count_insert() RETURNS trigger LANGUAGE plpgsql AS "
        + "$$ BEGIN INSERT INTO test_inserts VALUES (1); RETURN NULL; END $$");
      execute("CREATE TRIGGER test_count AFTER INSERT ON messages FOR EACH STATEMENT "
        + "EXECUTE FUNCTION test_count_insert()");
    } else {
      execute("CREATE TRIGGER test_count AFTER INSERT ON messages FOR EACH STATEMENT "
        + "INSERT INTO test_inserts VALUES (1)");
    }
    execute("ALTER TABLE messages ADD CONSTRAINT test_refuses "
      + "CHECK (text NOT LIKE '" + REFUSED_BY_THE_DATABASE + "%')");
  }

  @AfterAll
  static void stop() throws SQLException {
    db.close();
    node.close();
  }

  @Test
  void messagesTheStoreCannotKeepAreRefusedAtOnceAndTheRestOfTheirBatchGoesInOneStatement() throws SQLException {
    String tag = Names.unique("keep") + " ";
    List<NewMessage> unstorable = List.of(
      new NewMessage("global", "nul", tag + "a NUL \u0000 in the text", null),
      new NewMessage("global", "nulcid", tag + "a NUL in the cid", "c\u0000"),
      new NewMessage("global", "long", tag + "x".repeat(Sql.TEXT_SIZE), null),
      new NewMessage("global", "s".repeat(Sql.SENDER_SIZE + 1), tag + "long sender", null),
      new NewMessage("r".repeat(Sql.ROOM_SIZE + 1), "room", tag + "long room", null),
      new NewMessage("global", "longcid", tag + "long cid", "c".repeat(Sql.CID_SIZE + 1)),
      new NewMessage("global", "notext", null, "no-text"));
    Load load = new Load(tag);
    try (Held held = holdTheTable()) {
      load.good(0);
      for (int i = 1; i <= QUEUED; i++) {
        load.good(i);
        if (i % 8 == 0) {
          load.refused(unstorable.get(i / 8 % unstorable.size()));
        }
      }
      // answered while the database still holds the first message: they never waited for it (and the last one
      // sent is one of them, so by now every good message is queued)
      load.awaitRefusals(400);
    }
    load.awaitStored();

    assertEquals(1 + QUEUED / GroupCommit.MAX_BATCH, load.statements(),
      "the first message, then the " + QUEUED + " good ones queued behind it in statements of "
        + GroupCommit.MAX_BATCH + ", as if the refused ones had never been sent");
  }

  @Test
  void rowsTheDatabaseRefusesFailAloneAndTheirBatchStillGoesInAFewStatements() throws SQLException {
    String tag = Names.unique("db") + " ";
    Load load = new Load(tag);
    // stored before: their resends are refused by the unique (sender, cid) and answered with these
    Saved first = Saved.fromJson(save(new NewMessage("global", "resender", tag + "first", tag + "1")).body());
    Saved second = Saved.fromJson(save(new NewMessage("topic.news", "resender", tag + "second", tag + "2")).body());
    load.resetStatements();
    Map<Integer, NewMessage> refusedByTheDatabase = Map.of(
      100, new NewMessage("global", "checked", REFUSED_BY_THE_DATABASE + " " + tag + "1", null),
      300, new NewMessage("topic.news", "checked", REFUSED_BY_THE_DATABASE + " " + tag + "2", tag + "3"));
    Map<Integer, NewMessage> resends = Map.of(
      200, new NewMessage("global", "resender", tag + "first, again", tag + "1"),
      450, new NewMessage("topic.news", "resender", tag + "second, again", tag + "2"));
    List<Future<Message<JsonObject>>> resent = new ArrayList<>();
    try (Held held = holdTheTable()) {
      load.good(0);
      for (int i = 1; i <= QUEUED; i++) {
        if (refusedByTheDatabase.containsKey(i)) {
          load.refused(refusedByTheDatabase.get(i));
        } else if (resends.containsKey(i)) {
          resent.add(send(resends.get(i)));
        } else {
          load.good(i);
        }
      }
      // a last message the store refuses at once: once it is answered, all the others are queued
      awaitFailure(send(new NewMessage("global", "nul", tag + "\u0000", null)));
    }
    load.awaitStored();
    load.awaitRefusals(400);
    assertEquals(new Saved(first.message(), true), Saved.fromJson(await(resent.get(0)).body()));
    assertEquals(new Saved(second.message(), true), Saved.fromJson(await(resent.get(1)).body()));

    // one statement per good row would be 1 + 2 × 254 here; halving costs a bad row at most log2(256) = 8
    int bound = 1 + 2 * 2 * Integer.numberOfTrailingZeros(GroupCommit.MAX_BATCH);
    assertTrue(load.statements() <= bound,
      load.statements() + " statements stored the first message and two batches with two bad rows each");
  }

  @Test
  void resentCidsAreAnsweredWithTheFirstMessageAndCostTheirBatchNoMoreStatements() throws SQLException {
    String tag = Names.unique("again") + " ";
    Load load = new Load(tag);
    List<Saved> before = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      before.add(Saved.fromJson(save(new NewMessage("global", "again-" + k % 4, tag + "before " + k, tag + "b" + k))
        .body()));
    }
    load.resetStatements();
    // sends again of messages stored before (a re-route after a late answer), and pairs sent back to back that
    // share a batch (a browser's retry catching up with its first send)
    List<Map.Entry<Integer, Future<Message<JsonObject>>>> resentBefore = new ArrayList<>();
    List<List<Future<Message<JsonObject>>>> pairs = new ArrayList<>();
    int queued = 0;
    try (Held held = holdTheTable()) {
      load.good(0);
      for (int i = 1; i <= QUEUED; i++, queued++) {
        if (i % 10 == 0) {
          int k = i / 10 % before.size();
          NewMessage again = new NewMessage("global", "again-" + k % 4, tag + "before, again " + i, tag + "b" + k);
          resentBefore.add(Map.entry(k, send(again)));
        } else if (i % 10 == 5) {
          NewMessage twice = new NewMessage("topic.news", "twice", tag + "twice " + i, tag + "t" + i);
          pairs.add(List.of(send(twice), send(twice)));
          queued++;
        } else {
          load.good(i);
        }
      }
      awaitFailure(send(new NewMessage("global", "nul", tag + "\u0000", null)));
    }
    load.awaitStored();
    resentBefore.forEach(resent -> assertEquals(new Saved(before.get(resent.getKey()).message(), true),
      Saved.fromJson(await(resent.getValue()).body())));
    for (List<Future<Message<JsonObject>>> pair : pairs) {
      Saved first = Saved.fromJson(await(pair.get(0)).body());
      assertFalse(first.duplicate());
      assertEquals(new Saved(first.message(), true), Saved.fromJson(await(pair.get(1)).body()));
    }
    assertEquals(pairs.size(), count("SELECT COUNT(*) FROM messages WHERE text LIKE '" + tag + "twice %'"),
      "each pair stored once");
    assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE text LIKE '" + tag + "before, again %'"));
    // a halving per resent row would be many more (see the test above)
    assertEquals(1 + (queued + GroupCommit.MAX_BATCH - 1) / GroupCommit.MAX_BATCH, load.statements(),
      "the first message, then one statement per batch of " + GroupCommit.MAX_BATCH);
  }

  @Test
  void messagesStillQueuedWhenTheirTimeToBeStoredHasPassedAreRefusedBusyAndNeverStored() throws SQLException {
    String tag = Names.unique("late") + " ";
    Load load = new Load(tag);
    long storeBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
    try (Held held = holdTheTable()) {
      load.good(0);
      for (int i = 1; i <= 100; i++) {
        String cid = i % 2 == 0 ? tag + i : null;
        if (i % 4 == 0) {
          // no time set (a system line, a file): stored, however late
          NewMessage message = new NewMessage("global", "late-" + i % 10, tag + "good " + i, cid);
          load.good.add(new Sent(message, send(message)));
        } else {
          NewMessage message = new NewMessage("global", "late-" + i % 10, tag + "late " + i, cid);
          load.refused.add(new Sent(message, send(message, storeBy)));
        }
      }
      // the database holds the first message past the others' time: they are still queued when it has passed
      while (System.nanoTime() - storeBy <= 0) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    }
    load.awaitStored();
    load.awaitRefusals(Failure.UNAVAILABLE);
    load.refused.forEach(sent -> assertTrue(Failure.isBusy(sent.answer().cause()), sent.answer().cause().toString()));
    assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE text LIKE '" + tag + "late %'"),
      "none of the refused messages is stored");
  }

  private record Sent(NewMessage message, Future<Message<JsonObject>> answer) {
  }

  /** The messages of one test: what each was answered, and what the database holds of them. */
  private static final class Load {
    private final String tag;
    private final List<Sent> good = new ArrayList<>();
    private final List<Sent> refused = new ArrayList<>();
    private int statementsBefore;

    Load(String tag) throws SQLException {
      this.tag = tag;
      resetStatements();
    }

    void resetStatements() throws SQLException {
      statementsBefore = count("SELECT COUNT(*) FROM test_inserts");
    }

    int statements() throws SQLException {
      return count("SELECT COUNT(*) FROM test_inserts") - statementsBefore;
    }

    /** A good message of one of 40 users in one of 10 rooms; a third have a cid, as the page sends them. */
    void good(int i) {
      NewMessage message = new NewMessage(i % 10 == 0 ? "global" : "topic.room" + i % 10, tag.strip() + "-" + i % 40,
        tag + "good " + i, i % 3 == 0 ? tag.strip() + "-" + i : null);
      good.add(new Sent(message, send(message)));
    }

    void refused(NewMessage message) {
      refused.add(new Sent(message, send(message)));
    }

    /** Every refused message failed with this code. */
    void awaitRefusals(int code) {
      awaitAll(refused.stream().map(Sent::answer).toList());
      for (Sent sent : refused) {
        String json = sent.message().toJson().encode(); // a NUL shows as an escape
        assertTrue(sent.answer().failed(), json + " was refused, not " + sent.answer().result());
        assertEquals(code, Failure.code(sent.answer().cause()), json + ": " + sent.answer().cause());
      }
    }

    /** Every good message was answered as stored, with an id of its own, and is in the database once. */
    void awaitStored() throws SQLException {
      Set<Long> ids = new HashSet<>();
      awaitAll(good.stream().map(Sent::answer).toList());
      for (Sent sent : good) {
        NewMessage message = sent.message();
        Saved saved = Saved.fromJson(await(sent.answer()).body());
        assertFalse(saved.duplicate());
        assertEquals(List.of(message.room(), message.sender(), message.text()),
          List.of(saved.message().room(), saved.message().sender(), saved.message().text()));
        assertTrue(ids.add(saved.message().id()), "ids are unique");
      }
      Map<String, Integer> stored = new HashMap<>();
      try (PreparedStatement query = db.prepareStatement("SELECT text FROM messages WHERE text LIKE ?")) {
        query.setString(1, tag + "good %");
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) {
            stored.merge(rows.getString(1), 1, Integer::sum);
          }
        }
      }
      Map<String, Integer> once = new HashMap<>();
      good.forEach(sent -> once.put(sent.message().text(), 1));
      assertEquals(once, stored, "every good message is stored once");
      assertEquals(0, count("SELECT COUNT(*) FROM messages WHERE text LIKE '" + REFUSED_BY_THE_DATABASE + "%'"));
    }
  }

  /** The test's transaction holds the messages table: every insert waits until it ends. */
  private static Held holdTheTable() throws SQLException {
    db.setAutoCommit(false);
    execute(TestDatabase.postgres() ? "LOCK TABLE messages IN SHARE MODE" : "LOCK TABLE messages WRITE");
    return () -> {
      db.commit();
      db.setAutoCommit(true);
    };
  }

  private interface Held extends AutoCloseable {
    @Override
    void close() throws SQLException;
  }

  private static Future<Message<JsonObject>> send(NewMessage message) {
    return node.node().vertx().eventBus().request(Addresses.STORE_SAVE, message.toJson());
  }

  /** As a room's owner asks: stored only if its batch begins by {@code storeBy} ({@code System.nanoTime()}). */
  private static Future<Message<JsonObject>> send(NewMessage message, long storeBy) {
    return node.node().vertx().eventBus().request(Addresses.STORE_SAVE, message.toJson(),
      new DeliveryOptions().addHeader(Addresses.STORE_BY_HEADER, Long.toString(storeBy)));
  }

  /** Waits for all to be answered, however they were. */
  private static void awaitAll(java.util.Collection<? extends Future<?>> answers) {
    try {
      Future.join(List.copyOf(answers)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      // some were refused: each is looked at by the caller
    } catch (Exception e) {
      throw new AssertionError("the store did not answer all " + answers.size() + " in time: " + e, e);
    }
  }

  private static Message<JsonObject> save(NewMessage message) {
    return await(send(message));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer from the store: " + e, e);
    }
  }

  private static Throwable awaitFailure(Future<?> future) {
    try {
      Object answer = future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      return fail("expected a refusal, the store answered " + answer);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("no answer from the store: " + e, e);
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Statement statement = db.createStatement()) {
      statement.execute(sql);
    }
  }

  private static int count(String sql) throws SQLException {
    try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
