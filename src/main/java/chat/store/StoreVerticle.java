package chat.store;

import chat.access.RoomAccess;
import chat.metrics.ChatMetrics;
import chat.bus.Addresses;
import chat.bus.BridgeRequest;
import chat.bus.ChatMessage;
import chat.bus.Failure;
import chat.bus.HistoryQuery;
import chat.bus.NewMessage;
import chat.bus.RoomId;
import chat.bus.Saved;
import chat.bus.Service;
import chat.config.ChatConfig;
import chat.db.Database;
import chat.db.DedicatedConnection;
import chat.db.Dialect;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Owns the messages table: saves accepted messages (committed before the reply, so a reply means durable)
 * and answers {@code chat.history} for browsers.
 */
public class StoreVerticle extends VerticleBase {


  private final ChatConfig config;
  /** The configured topics as a set: every room id a browser sends is checked against it. */
  private final Set<String> topics;
  private final ChatMetrics metrics;
  /** Message writes have connections of their own: no history page or read mark can queue in front of a send. */
  private DedicatedConnection writer;
  /** Private rooms' listing, poll votes, dropped channels and the look-up of resent cids. */
  private ReconnectingPool db;
  /** Everything else: history, read marks, unread counts, private rooms, the health probe. */
  private ReconnectingPool reads;
  private GroupCommit commits;
  private PollVotes polls;
  private Dialect dialect;
  private RoomAccess access;
  /** Private rooms this node has listed for their members (see {@link #listPrivateRoom}). */
  private final Set<String> listedRooms = new HashSet<>();
  static final int MAX_LISTED_KEPT = 100_000;
  static final int MAX_PRIVATE_ROOMS = 200;
  private HealthProbe health;

  public StoreVerticle(ChatConfig config, ChatMetrics metrics) {
    this.config = config;
    this.topics = Set.copyOf(config.rooms());
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    writer = new DedicatedConnection(vertx, config.db(), "store-writer");
    db = new ReconnectingPool(vertx, config.db(), "store");
    reads = new ReconnectingPool(vertx, config.db(), "store-reads");
    access = new RoomAccess(vertx);
    dialect = Dialect.of(config.db().url());
    commits = new GroupCommit(writer, db, dialect);
    polls = new PollVotes(db, reads);
    health = new HealthProbe(() -> reads.use(pool -> pool.query(Database.PING).execute()).mapEmpty(),
      System::currentTimeMillis);
    return Future.all(List.of(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_SAVE, this::onSave).completion(),
        vertx.eventBus().localConsumer(Addresses.STORE_HEALTH, this::onHealth).completion(),
        vertx.eventBus().localConsumer(Addresses.HISTORY, this::onHistory).completion(),
        vertx.eventBus().localConsumer(Addresses.READ, this::onRead).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_UNREAD, this::onUnread).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_PRIVATE_ROOMS, this::onPrivateRooms).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.STORE_DROP_ROOM, this::onDropRoom).completion(),
        Service.serve(vertx, Addresses.STORE_VOTE, polls::vote)));
  }

  @Override
  public Future<?> stop() {
    return reads.close().transform(closed -> writer.close())
      .transform(closed -> db.use(pool -> Database.shutdownIfEmbedded(pool, config.db())))
      .eventually(() -> db.close());
  }

  private void onSave(Message<JsonObject> request) {
    long start = System.nanoTime();
    String storeBy = request.headers().get(Addresses.STORE_BY_HEADER);
    save(NewMessage.fromJson(request.body()), storeBy == null ? Long.MAX_VALUE : Long.parseLong(storeBy))
      .onSuccess(saved -> {
        metrics.storeLatency(System.nanoTime() - start);
        request.reply(saved.toJson());
      })
      .onFailure(err -> failed(request, err));
  }

  private void onHealth(Message<Object> request) {
    health.check()
      .onSuccess(ok -> request.reply(new JsonObject().put("db", "UP")))
      .onFailure(err -> request.fail(Failure.UNAVAILABLE, "database unavailable"));
  }

  private void onHistory(Message<Object> request) {
    Future.succeededFuture(request)
      .map(BridgeRequest::of)
      .compose(asked -> {
        HistoryQuery query = HistoryQuery.from(asked, topics);
        return access.readable(query.room(), asked.user()).compose(readable -> history(query, asked.user()));
      })
      .onSuccess(messages -> request.reply(new JsonObject()
        .put("room", messages.room)
        .put("messages", messages.json)))
      .onFailure(err -> failed(request, err));
  }

  /** chat.read {room, id}: the user has seen the room up to this id; only a higher mark is kept. */
  private void onRead(Message<Object> request) {
    Future.succeededFuture(request)
      .map(BridgeRequest::of)
      .compose(read -> {
        RoomId room = read.room(topics);
        Long id = read.optionalLong("id");
        if (id == null || id < 0) {
          throw Failure.badRequest("id must be a message id");
        }
        return access.usable(room, read.user()).compose(usable -> raiseReadMark(RoomId.key(read.user()), room.id(), id));
      })
      .onSuccess(v -> request.reply(new JsonObject()))
      .onFailure(err -> failed(request, err));
  }

  private Future<Void> raiseReadMark(String userKey, String room, long id) {
    Tuple raise = Tuple.of(id, userKey, room, id);
    return reads.use(pool -> pool.preparedQuery(Sql.RAISE_READ_MARK).execute(raise).compose(updated -> updated.rowCount() > 0
      ? Future.succeededFuture()
      : pool.preparedQuery(Sql.INSERT_READ_MARK).execute(Tuple.of(userKey, room, id)).<Void>mapEmpty()
        // a mark appeared since the update (another socket of the same user): raise that one
        .recover(exists -> pool.preparedQuery(Sql.RAISE_READ_MARK).execute(raise).mapEmpty())));
  }

  /**
   * Per room the user can open (global, the topics, their channels and private rooms), others' messages after the user's read
   * mark, or after they registered when there is none: each counted among the room's newest
   * {@link Sql#UNREAD_CAP} only, by an index range (a count above the cap shows as the cap).
   */
  private void onUnread(Message<JsonObject> request) {
    String userKey = RoomId.key(request.body().getString("username"));
    Future<Map<String, Long>> marks = reads.use(pool -> pool.preparedQuery(Sql.READ_MARKS_OF).execute(Tuple.of(userKey)))
      .map(rows -> {
        Map<String, Long> byRoom = new HashMap<>();
        rows.forEach(row -> byRoom.put(row.getString(0), row.getLong(1)));
        return byRoom;
      });
    Future<Long> created = reads.use(pool -> pool.preparedQuery(Sql.USER_CREATED).execute(Tuple.of(userKey)))
      .map(rows -> rows.size() == 0 ? Long.MAX_VALUE : rows.iterator().next().getLong(0));
    Future<List<RoomActivity>> privateRooms = privateRoomsOf(userKey);
    Future<List<RoomActivity>> channels = reads.use(pool -> pool.preparedQuery(Sql.CHANNELS_OF).execute(Tuple.of(userKey)))
      .map(rows -> {
        List<RoomActivity> joined = new ArrayList<>();
        rows.forEach(row -> joined.add(new RoomActivity(new RoomId.Channel(row.getString(0)).id(), null)));
        return joined;
      });
    Future.all(marks, created, privateRooms, channels)
      .compose(all -> {
        List<RoomActivity> rooms = new ArrayList<>();
        rooms.add(new RoomActivity(RoomId.GLOBAL_ID, null));
        topics.forEach(topic -> rooms.add(new RoomActivity(new RoomId.Topic(topic).id(), null)));
        rooms.addAll(channels.result());
        rooms.addAll(privateRooms.result());
        Map<String, Future<Long>> counts = new LinkedHashMap<>();
        for (RoomActivity room : rooms) {
          Long mark = marks.result().get(room.id());
          if (mark != null && room.newestId() != null && room.newestId() <= mark) {
            continue; // a private room read to its end: nothing to count
          }
          Tuple after = Tuple.of(room.id(), mark == null ? 0L : mark, userKey, mark == null ? created.result() : 0L,
            userKey);
          counts.put(room.id(), reads.use(pool -> pool.preparedQuery(Sql.UNREAD_IN_ROOM).execute(after))
            .map(rows -> rows.iterator().next().getLong(0)));
        }
        return Future.all(new ArrayList<>(counts.values())).map(done -> {
          JsonObject unread = new JsonObject();
          counts.forEach((room, count) -> {
            if (count.result() > 0) {
              unread.put(room, count.result());
            }
          });
          return unread;
        });
      })
      .onSuccess(unread -> request.reply(new JsonObject().put("unread", unread)))
      .onFailure(err -> failed(request, err));
  }

  /** A deleted channel's messages and read marks go (its members were told, and nobody can join it any more). */
  private void onDropRoom(Message<JsonObject> request) {
    Tuple room = Tuple.of(request.body().getString("room"));
    db.use(pool -> pool.preparedQuery(Sql.DROP_ROOM_MESSAGES).execute(room))
      .compose(messages -> reads.use(pool -> pool.preparedQuery(Sql.DROP_ROOM_READ_MARKS).execute(room)))
      .onSuccess(dropped -> request.reply(new JsonObject()))
      .onFailure(err -> failed(request, err));
  }

  private void onPrivateRooms(Message<JsonObject> request) {
    String username = request.body().getString("username");
    privateRoomsOf(RoomId.key(username))
      .onSuccess(rooms -> {
        JsonArray list = new JsonArray();
        for (RoomActivity room : rooms) {
          if (RoomId.parse(room.id(), topics) instanceof RoomId.Direct direct) {
            list.add(new JsonObject().put("id", direct.id()).put("with", direct.other(username)));
          }
        }
        request.reply(new JsonObject().put("rooms", list));
      })
      .onFailure(err -> failed(request, err));
  }

  /** A room and its newest message id (null: not asked). */
  private record RoomActivity(String id, Long newestId) {
  }

  /** The user's private rooms, most recent first, at most {@link #MAX_PRIVATE_ROOMS}. */
  private Future<List<RoomActivity>> privateRoomsOf(String userKey) {
    return reads.use(pool -> pool.preparedQuery(Sql.PRIVATE_ROOMS_OF).execute(Tuple.of(userKey))).map(rows -> {
      List<RoomActivity> rooms = new ArrayList<>();
      rows.forEach(row -> rooms.add(new RoomActivity(row.getString(0), row.getLong(1))));
      rooms.sort(Comparator.comparing((RoomActivity room) -> room.newestId() == null ? 0L : room.newestId()).reversed());
      return rooms.size() > MAX_PRIVATE_ROOMS ? rooms.subList(0, MAX_PRIVATE_ROOMS) : rooms;
    });
  }

  /**
   * A private room's first message lists the room for both members (later ones find it listed: this node
   * remembers the rooms it listed, and the statement does nothing for a room listed already).
   */
  private Future<Void> listPrivateRoom(ChatMessage message) {
    if (!(RoomId.parse(message.room(), topics) instanceof RoomId.Direct direct) || listedRooms.contains(direct.id())) {
      return Future.succeededFuture();
    }
    String statement = Sql.insertPrivateRoom(dialect);
    return db.use(pool -> pool.preparedQuery(statement).executeBatch(List.of(Tuple.of(direct.first(), direct.id()),
        Tuple.of(direct.second(), direct.id()))))
      .onSuccess(done -> {
        if (listedRooms.size() >= MAX_LISTED_KEPT) {
          listedRooms.clear();
        }
        listedRooms.add(direct.id());
      })
      .mapEmpty();
  }

  private record Page(String room, JsonArray json) {
  }

  /**
   * Stored once under its (sender, cid): a resent cid, whether a browser's retry or a send re-routed after its owner
   * answered late, is answered with the message stored first (see {@link GroupCommit}); refused unstored (503) when
   * its batch begins after {@code storeBy} ({@code System.nanoTime()}).
   */
  Future<Saved> save(NewMessage message, long storeBy) {
    return commits.insert(message, storeBy).compose(saved -> saved.duplicate() ? Future.succeededFuture(saved)
      : listPrivateRoom(saved.message()).map(saved));
  }

  private Future<Page> history(HistoryQuery query, String reader) {
    String room = query.room().id();
    Future<RowSet<Row>> rows = query.after() != null
      ? reads.use(pool -> pool.preparedQuery(Sql.HISTORY_AFTER).execute(Tuple.of(room, query.after(), query.limit())))
      : reads.use(pool -> pool.preparedQuery(Sql.HISTORY_BEFORE).execute(Tuple.of(room,
      query.before() == null ? Long.MAX_VALUE : query.before(), query.limit())));
    return rows.compose(set -> {
      List<ChatMessage> messages = new ArrayList<>();
      set.forEach(row -> messages.add(MessageRow.of(row)));
      if (query.after() == null) {
        Collections.reverse(messages); // fetched newest first to take the newest page; clients want oldest first
      }
      return polls.counted(messages, reader);
    }).map(messages -> new Page(room, new JsonArray(messages.stream().map(ChatMessage::toJson)
      .map(Object.class::cast).toList())));
  }

  /** A database that fails is, to the client, a store that is unavailable: worth a retry, never a 500. */
  private static void failed(Message<?> request, Throwable err) {
    Failure.reply(request, Failure.unavailableUnlessRefused(err, "store"));
  }
}
