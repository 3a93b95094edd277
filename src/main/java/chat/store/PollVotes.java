package chat.store;

import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.Poll;
import chat.bus.RoomId;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The votes of polls (poll_votes): one row per person and poll, replaced when they change their mind and deleted
 * when they take it back. A room's votes come here one at a time from the room's owner (chat.room), so the counts
 * each answer carries, and that the owner publishes, follow each other in the order the votes were made.
 */
final class PollVotes {

  private final ReconnectingPool db;
  /** History's pool: a page's counts are read where the page is, not among the commits. */
  private final ReconnectingPool reads;

  PollVotes(ReconnectingPool db, ReconnectingPool reads) {
    this.db = db;
    this.reads = reads;
  }

  /** {room, id, user, option} (option null takes the vote back) → {room, id, votes, mine}. */
  Future<JsonObject> vote(JsonObject asked) {
    String room = asked.getString("room");
    long id = asked.getLong("id");
    String voter = RoomId.key(asked.getString("user"));
    Integer option = asked.getInteger("option");
    return db.query(Sql.POLL_OF, Tuple.of(id, room)).compose(rows -> {
      Poll poll = rows.size() == 0 ? null : Poll.fromOptionsText(rows.iterator().next().getString(0));
      if (poll == null) {
        return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such poll in this room"));
      }
      if (option != null && (option < 0 || option >= poll.options().size())) {
        return Future.failedFuture(Failure.badRequest("option must be 0 to " + (poll.options().size() - 1)
          + ", or null to take the vote back"));
      }
      Future<?> written = option == null ? db.query(Sql.DELETE_VOTE, Tuple.of(id, voter)) : choose(id, voter, option);
      return written.compose(v -> db.query(Sql.COUNT_VOTES, Tuple.of(id)))
        .map(counts -> new JsonObject().put("room", room).put("id", id)
          .put("votes", new JsonArray(counted(counts, poll.options().size()))).put("mine", option));
    });
  }

  /** A first vote inserts, a changed one updates; two first votes of one person racing: the loser updates. */
  private Future<Void> choose(long id, String voter, int option) {
    return db.query(Sql.CHANGE_VOTE, Tuple.of(option, id, voter))
      .compose(changed -> changed.rowCount() > 0 ? Future.succeededFuture(true)
        : db.insertIfAbsent(Sql.INSERT_VOTE, Tuple.of(id, voter, option)))
      .compose(done -> done ? Future.<Void>succeededFuture()
        : db.query(Sql.CHANGE_VOTE, Tuple.of(option, id, voter)).mapEmpty());
  }

  /** The polls of a page of history with their votes counted, and the reader's own choice in each. */
  Future<List<ChatMessage>> counted(List<ChatMessage> page, String reader) {
    List<Long> polls = page.stream().filter(m -> m.poll() != null).map(ChatMessage::id).toList();
    if (polls.isEmpty()) {
      return Future.succeededFuture(page);
    }
    List<Object> mineArgs = new ArrayList<>();
    mineArgs.add(RoomId.key(reader));
    mineArgs.addAll(polls);
    return reads.query(Sql.countVotes(polls.size()), Tuple.from(new ArrayList<>(polls))).compose(counts ->
      reads.query(Sql.votesOf(polls.size()), Tuple.from(mineArgs)).map(mine -> {
        Map<Long, Map<Integer, Integer>> byPoll = new HashMap<>();
        counts.forEach(row -> byPoll.computeIfAbsent(row.getLong(0), p -> new HashMap<>())
          .put(row.getInteger(1), row.getLong(2).intValue()));
        Map<Long, Integer> own = new HashMap<>();
        mine.forEach(row -> own.put(row.getLong(0), row.getInteger(1)));
        return page.stream().map(m -> m.poll() == null ? m : m.withPoll(m.poll().withVotes(
          counts(byPoll.getOrDefault(m.id(), Map.of()), m.poll().options().size()), own.get(m.id())))).toList();
      }));
  }

  private static List<Integer> counted(RowSet<Row> rows, int options) {
    Map<Integer, Integer> byChoice = new HashMap<>();
    rows.forEach(row -> byChoice.put(row.getInteger(0), row.getLong(1).intValue()));
    return counts(byChoice, options);
  }

  private static List<Integer> counts(Map<Integer, Integer> byChoice, int options) {
    List<Integer> votes = new ArrayList<>(Collections.nCopies(options, 0));
    byChoice.forEach((choice, count) -> {
      if (choice >= 0 && choice < options) {
        votes.set(choice, count);
      }
    });
    return votes;
  }
}
