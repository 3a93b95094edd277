package chat.keys;

import chat.access.AccessRelay;
import chat.bus.AccessChange;
import chat.bus.Addresses;
import chat.bus.E2e;
import chat.bus.Failure;
import chat.bus.Notices;
import chat.bus.PrivateEncryption;
import chat.bus.RoomId;
import chat.bus.Service;
import chat.bus.UserAction;
import chat.cluster.ClusterView;
import chat.config.ChatConfig;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Owns what end-to-end encryption needs from the server (issue 20), which is never a key that reads a message: the
 * public identities users publish (every one kept, the newest current), their passphrase-wrapped backups as opaque
 * blobs, and which private rooms are encrypted. Switching a room on, or a user's new keys, is announced to every
 * node ({@link AccessRelay}) before its author is answered, so every node's sends are checked against it from then
 * on, and the partner is told live.
 */
public class KeysVerticle extends VerticleBase {

  /** A backup of two wrapped P-256 private keys is about 1 KB; this leaves room and no more. */
  public static final int MAX_BACKUP_CHARS = 8192;
  /**
   * New identities one user may publish in a day. A reset is rare; without a bound, a script could grow the key
   * history without end and have every partner and node told of each one.
   */
  public static final int MAX_IDENTITIES_PER_DAY = 10;
  private static final long DAY_MS = 24 * 60 * 60_000L;

  private final ChatConfig config;
  private final ClusterView cluster;
  private ReconnectingPool db;

  public KeysVerticle(ChatConfig config, ClusterView cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "keys");
    return Future.all(List.of(
      Service.serve(vertx, Addresses.KEYS_ROOM, body -> roomState(body.getString("room")).map(PrivateEncryption::toJson)),
      action("publish", this::publish),
      action("current", this::current),
      action("identity", this::identity),
      action("backup-put", this::putBackup),
      action("backup-get", this::backup),
      action("encrypt", this::encrypt),
      action("encryption", this::encryption)));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private Future<Void> action(String name, Function<UserAction, Future<JsonObject>> handler) {
    return Service.serveAction(vertx, Addresses.keys(name), handler);
  }

  /**
   * A new current identity for the user; the same keys again change nothing. An earlier identity cannot come back:
   * its partners were told it was replaced.
   */
  private Future<JsonObject> publish(UserAction action) {
    JsonObject keys = PublicKeys.checked(action.args());
    String fingerprint = PublicKeys.fingerprint(keys.getJsonObject("ecdh"), keys.getJsonObject("ecdsa"));
    String userKey = RoomId.key(action.user());
    JsonObject answer = new JsonObject().put("fingerprint", fingerprint);
    return db.query(KeysSql.CURRENT, Tuple.of(userKey)).compose(current -> {
      if (current.size() > 0 && fingerprint.equals(current.iterator().next().getString(0))) {
        return Future.succeededFuture(answer);
      }
      long now = System.currentTimeMillis();
      return oneMoreToday(userKey, now)
        .compose(taken -> db.insertIfAbsent(KeysSql.INSERT_IDENTITY, Tuple.of(userKey, fingerprint,
          keys.getJsonObject("ecdh").encode(), keys.getJsonObject("ecdsa").encode(), now)))
        .compose(inserted -> inserted ? changed(action.user(), userKey, fingerprint).map(answer)
          : Future.failedFuture(Failure.of(Failure.CONFLICT, "these keys were replaced already: make new ones")));
    });
  }

  /**
   * A place among the user's {@link #MAX_IDENTITIES_PER_DAY} new identities of their current day-long window, each
   * taken by one conditional UPDATE (so publishes at the same moment cannot pass the bound together): in the
   * window, else a new window, else the first (made by a concurrent publish meanwhile: in it, then).
   */
  private Future<Void> oneMoreToday(String userKey, long now) {
    long windowOpen = now - DAY_MS;
    Tuple take = Tuple.of(userKey, windowOpen, MAX_IDENTITIES_PER_DAY);
    return db.query(KeysSql.TAKE_CHANGE, take)
      .compose(taken -> taken.rowCount() == 1 ? Future.succeededFuture(true)
        : db.query(KeysSql.NEW_WINDOW, Tuple.of(now, userKey, windowOpen)).compose(renewed -> renewed.rowCount() == 1
          ? Future.succeededFuture(true)
          : db.insertIfAbsent(KeysSql.FIRST_WINDOW, Tuple.of(userKey, now)).compose(first -> first
            ? Future.succeededFuture(true)
            : db.query(KeysSql.TAKE_CHANGE, take).map(again -> again.rowCount() == 1))))
      .compose(allowed -> allowed ? Future.<Void>succeededFuture() : Future.failedFuture(Failure.of(Failure.TOO_MANY,
        "at most " + MAX_IDENTITIES_PER_DAY + " new keys a day: try again tomorrow")));
  }

  /**
   * Every node checks sends against the new fingerprint, then each partner in an encrypted room is told, and the
   * user's own other browsers (which hold the keys just replaced).
   */
  private Future<Void> changed(String user, String userKey, String fingerprint) {
    JsonObject notice = new JsonObject().put("type", "keys").put("user", user).put("fingerprint", fingerprint);
    return AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(userKey))
      .compose(announced -> db.query(KeysSql.ENCRYPTED_OF, Tuple.of(userKey, userKey)))
      .onSuccess(rooms -> {
        rooms.forEach(room -> Notices.tell(vertx.eventBus(),
          userKey.equals(room.getString(1)) ? room.getString(2) : room.getString(1), notice));
        Notices.tell(vertx.eventBus(), userKey, notice);
      })
      .mapEmpty();
  }

  private Future<JsonObject> current(UserAction action) {
    return one(db.query(KeysSql.CURRENT, Tuple.of(RoomId.key(action.target()))));
  }

  private Future<JsonObject> identity(UserAction action) {
    String fingerprint = action.arg("fingerprint");
    if (!E2e.isFingerprint(fingerprint)) {
      return Future.failedFuture(Failure.field("fingerprint", "must be 64 lowercase hex digits"));
    }
    return one(db.query(KeysSql.IDENTITY, Tuple.of(RoomId.key(action.target()), fingerprint)));
  }

  private static Future<JsonObject> one(Future<RowSet<Row>> query) {
    return query.compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no keys"));
      }
      Row row = rows.iterator().next();
      return Future.succeededFuture(new JsonObject().put("ecdh", new JsonObject(row.getString(1)))
        .put("ecdsa", new JsonObject(row.getString(2))).put("fingerprint", row.getString(0)));
    });
  }

  /** Stored as the browser made it: a JSON object the server does not read, of bounded size. */
  private Future<JsonObject> putBackup(UserAction action) {
    if (!(action.args().getValue("backup") instanceof JsonObject backup) || backup.isEmpty()) {
      return Future.failedFuture(Failure.field("backup", "must be the wrapped keys as a JSON object"));
    }
    String text = backup.encode();
    if (text.length() > MAX_BACKUP_CHARS) {
      return Future.failedFuture(Failure.field("backup", "must be at most " + MAX_BACKUP_CHARS + " characters"));
    }
    String userKey = RoomId.key(action.user());
    long now = System.currentTimeMillis();
    return db.query(KeysSql.UPDATE_BACKUP, Tuple.of(text, now, userKey))
      .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture()
        : db.insertIfAbsent(KeysSql.INSERT_BACKUP, Tuple.of(userKey, text, now)).compose(inserted -> inserted
          ? Future.succeededFuture()
          // made since by another request of the same user: this one replaces it
          : db.query(KeysSql.UPDATE_BACKUP, Tuple.of(text, now, userKey)).mapEmpty()))
      .map(new JsonObject());
  }

  private Future<JsonObject> backup(UserAction action) {
    return db.query(KeysSql.BACKUP, Tuple.of(RoomId.key(action.user()))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no backup"));
      }
      try {
        return Future.succeededFuture(new JsonObject().put("backup", new JsonObject(rows.iterator().next().getString(0))));
      } catch (DecodeException stored) {
        return Future.failedFuture(stored);
      }
    });
  }

  /**
   * Switches a private room to encrypted, for good, when both members have keys: announced to every node before
   * the answer, and told to both members' pages. Asked again, it answers how it was switched.
   */
  private Future<JsonObject> encrypt(UserAction action) {
    RoomId.Direct room = direct(action);
    String me = RoomId.key(action.user());
    String partner = room.other(me);
    return db.query(KeysSql.CURRENT_OF_TWO, Tuple.of(room.first(), room.second())).compose(rows -> {
      Map<String, String> keyed = fingerprints(rows);
      for (String member : List.of(me, partner)) {
        if (!keyed.containsKey(member)) {
          return Future.failedFuture(Failure.of(Failure.CONFLICT, (member.equals(me) ? "you have" : partner + " has")
            + " no keys yet: both need keys (a chat passphrase) before the chat can be encrypted"));
        }
      }
      long since = System.currentTimeMillis();
      return db.insertIfAbsent(KeysSql.INSERT_ENCRYPTED, Tuple.of(room.id(), room.first(), room.second(),
          action.user(), since))
        .compose(fresh -> !fresh ? encryption(action) : AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(me, partner))
          .map(announced -> {
            JsonObject notice = new JsonObject().put("type", "encryption").put("room", room.id()).put("by", action.user());
            Notices.tell(vertx.eventBus(), partner, notice);
            Notices.tell(vertx.eventBus(), me, notice);
            return new JsonObject().put("room", room.id()).put("encrypted", true).put("by", action.user())
              .put("since", since);
          }));
    });
  }

  private Future<JsonObject> encryption(UserAction action) {
    RoomId.Direct room = direct(action);
    return db.query(KeysSql.ENCRYPTED, Tuple.of(room.id())).map(rows -> {
      JsonObject state = new JsonObject().put("room", room.id()).put("encrypted", rows.size() > 0);
      rows.forEach(row -> state.put("by", row.getString(0)).put("since", row.getLong(1)));
      return state;
    });
  }

  /** The private room the action names, of which its user is a member. */
  private static RoomId.Direct direct(UserAction action) {
    if (!(RoomId.parse(action.target(), List.of()) instanceof RoomId.Direct room)) {
      throw Failure.of(Failure.NOT_FOUND, "no such private room");
    }
    if (!room.admits(action.user())) {
      throw Failure.forbidden("not a member of this room");
    }
    return room;
  }

  private Future<PrivateEncryption> roomState(String roomId) {
    if (!(RoomId.parse(roomId, List.of()) instanceof RoomId.Direct room)) {
      return Future.failedFuture(Failure.badRequest("not a private room"));
    }
    return Future.all(db.query(KeysSql.ENCRYPTED, Tuple.of(room.id())),
        db.query(KeysSql.CURRENT_OF_TWO, Tuple.of(room.first(), room.second())))
      .map(all -> new PrivateEncryption(all.<RowSet<Row>>resultAt(0).size() > 0, fingerprints(all.resultAt(1))));
  }

  private static Map<String, String> fingerprints(RowSet<Row> rows) {
    Map<String, String> keyed = new HashMap<>();
    rows.forEach(row -> keyed.put(row.getString(0), row.getString(1)));
    return keyed;
  }
}
