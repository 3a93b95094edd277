package chat.contact;

import chat.access.AccessRelay;
import chat.account.People;
import chat.bus.AccessChange;
import chat.bus.Addresses;
import chat.bus.DirectPolicy;
import chat.bus.Failure;
import chat.bus.Notices;
import chat.bus.RoomId;
import chat.bus.Service;
import chat.bus.UserAction;
import chat.cluster.ClusterView;
import chat.config.ChatConfig;
import chat.db.ReconnectingPool;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Owns who may write to whom: each user's {@code directMessages} setting, contacts and requests to connect, and
 * blocks; answers the HTTP API's actions ({@link Addresses#contacts}) and the policies the access caches load
 * ({@link Addresses#CONTACTS_POLICY}). A change that alters a policy is announced to every node
 * ({@link AccessRelay}) before its author is answered. Someone blocked is never told: their request "goes", and
 * their private messages are refused exactly like a non-contact's.
 */
public class ContactVerticle extends VerticleBase {

  static final String CONTACT = "contact";
  static final String OUTGOING = "outgoing";

  private final ChatConfig config;
  private final ClusterView cluster;
  private ReconnectingPool db;

  public ContactVerticle(ChatConfig config, ClusterView cluster) {
    this.config = config;
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    db = new ReconnectingPool(vertx, config.db(), "contacts");
    return Future.all(List.of(
      Service.serve(vertx, Addresses.CONTACTS_POLICY, body -> policy(body.getString("username")).map(DirectPolicy::toJson)),
      action("settings", this::settings),
      action("set-settings", this::setSettings),
      action("list", this::list),
      action("request", this::request),
      action("accept", this::accept),
      action("decline", this::decline),
      action("remove", this::remove),
      action("block", this::block),
      action("unblock", this::unblock),
      action("blocks", this::blocks)));
  }

  @Override
  public Future<?> stop() {
    return db.close();
  }

  private Future<Void> action(String name, Function<UserAction, Future<JsonObject>> handler) {
    return Service.serveAction(vertx, Addresses.contacts(name), handler);
  }

  private Future<DirectPolicy> policy(String userKey) {
    return Future.all(db.query(ContactSql.DIRECT_MESSAGES, Tuple.of(userKey)),
        db.query(ContactSql.CONTACT_KEYS, Tuple.of(userKey)), db.query(ContactSql.BLOCKED_KEYS, Tuple.of(userKey)))
      .map(all -> new DirectPolicy(directMessages(all.resultAt(0)), keys(all.resultAt(1)), keys(all.resultAt(2))));
  }

  private Future<JsonObject> settings(UserAction action) {
    return db.query(ContactSql.DIRECT_MESSAGES, Tuple.of(RoomId.key(action.user())))
      .map(rows -> new JsonObject().put("directMessages", directMessages(rows)));
  }

  private Future<JsonObject> setSettings(UserAction action) {
    String setting = action.arg("directMessages");
    if (setting == null || !DirectPolicy.SETTINGS.contains(setting)) {
      return Future.failedFuture(Failure.field("directMessages", "must be everyone or contacts"));
    }
    String userKey = RoomId.key(action.user());
    Tuple update = Tuple.of(setting, userKey);
    return db.query(ContactSql.UPDATE_DIRECT_MESSAGES, update)
      .compose(updated -> updated.rowCount() > 0 ? Future.succeededFuture()
        : db.query(ContactSql.INSERT_SETTINGS, Tuple.of(userKey, setting)).<Void>mapEmpty()
          // made since by another request of the same user: that row then
          .recover(exists -> db.query(ContactSql.UPDATE_DIRECT_MESSAGES, update).mapEmpty()))
      .compose(saved -> AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(userKey)))
      .map(announced -> new JsonObject().put("directMessages", setting));
  }

  private Future<JsonObject> list(UserAction action) {
    Tuple me = Tuple.of(RoomId.key(action.user()));
    return Future.all(db.query(ContactSql.CONTACTS_OF, me), db.query(ContactSql.INCOMING, me),
        db.query(ContactSql.OUTGOING, me))
      .map(all -> new JsonObject().put("contacts", names(all.resultAt(0))).put("incoming", names(all.resultAt(1)))
        .put("outgoing", names(all.resultAt(2))));
  }

  /** A request to connect; to someone who asked first, the two are connected at once. */
  private Future<JsonObject> request(UserAction action) {
    String me = RoomId.key(action.user());
    return People.other(vertx.eventBus(), action.arg("username"), me).compose(other -> {
      String otherKey = RoomId.key(other);
      return Future.all(exists(ContactSql.IS_CONTACT, me, otherKey), exists(ContactSql.REQUESTED, otherKey, me))
        .compose(known -> {
          if (known.<Boolean>resultAt(0)) {
            return Future.succeededFuture(state(other, CONTACT));
          }
          if (known.<Boolean>resultAt(1)) {
            return connect(action.user(), me, other, otherKey);
          }
          return db.insertIfAbsent(ContactSql.INSERT_REQUEST, Tuple.of(me, otherKey, System.currentTimeMillis()))
            .compose(fresh -> fresh ? policy(otherKey) : Future.succeededFuture((DirectPolicy) null))
            .map(policy -> {
              if (policy != null && !policy.blocked().contains(me)) {
                Notices.tell(vertx.eventBus(), other, new JsonObject().put("type", "contact.request")
                  .put("from", action.user()));
              }
              return state(other, OUTGOING);
            });
        });
    });
  }

  private Future<JsonObject> accept(UserAction action) {
    String me = RoomId.key(action.user());
    return People.other(vertx.eventBus(), action.target(), me)
      .recover(err -> Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such request")))
      .compose(other -> exists(ContactSql.REQUESTED, RoomId.key(other), me).compose(requested -> requested
        ? connect(action.user(), me, other, RoomId.key(other))
        : Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such request"))));
  }

  /** Both rows of the contact, neither request left; the one who asked is told. */
  private Future<JsonObject> connect(String user, String me, String other, String otherKey) {
    return db.insertIfAbsent(ContactSql.INSERT_CONTACT, Tuple.of(me, otherKey))
      .compose(v -> db.insertIfAbsent(ContactSql.INSERT_CONTACT, Tuple.of(otherKey, me)))
      .compose(v -> db.query(ContactSql.DELETE_REQUEST, Tuple.of(me, otherKey)))
      .compose(v -> db.query(ContactSql.DELETE_REQUEST, Tuple.of(otherKey, me)))
      .compose(v -> AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(me, otherKey)))
      .map(announced -> {
        Notices.tell(vertx.eventBus(), other, new JsonObject().put("type", "contact.accepted").put("by", user));
        return state(other, CONTACT);
      });
  }

  private Future<JsonObject> decline(UserAction action) {
    String me = RoomId.key(action.user());
    String otherKey = action.target() == null ? "" : RoomId.key(action.target());
    return db.query(ContactSql.DELETE_REQUEST, Tuple.of(otherKey, me)).compose(deleted -> deleted.rowCount() > 0
      ? Future.succeededFuture(new JsonObject())
      : Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such request")));
  }

  /** A contact (both directions) or my own request to that user. */
  private Future<JsonObject> remove(UserAction action) {
    String me = RoomId.key(action.user());
    String otherKey = action.target() == null ? "" : RoomId.key(action.target());
    return Future.all(db.query(ContactSql.DELETE_CONTACT, Tuple.of(me, otherKey)),
        db.query(ContactSql.DELETE_CONTACT, Tuple.of(otherKey, me)), db.query(ContactSql.DELETE_REQUEST, Tuple.of(me, otherKey)))
      .compose(all -> {
        int removed = all.<RowSet<Row>>resultAt(0).rowCount() + all.<RowSet<Row>>resultAt(1).rowCount()
          + all.<RowSet<Row>>resultAt(2).rowCount();
        if (removed == 0) {
          return Future.failedFuture(Failure.of(Failure.NOT_FOUND, "no such contact"));
        }
        return AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(me, otherKey)).map(new JsonObject());
      });
  }

  private Future<JsonObject> block(UserAction action) {
    String me = RoomId.key(action.user());
    return People.other(vertx.eventBus(), action.arg("username"), me)
      .compose(other -> db.insertIfAbsent(ContactSql.INSERT_BLOCK, Tuple.of(me, RoomId.key(other), System.currentTimeMillis())))
      .compose(blocked -> AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(me)))
      .map(announced -> new JsonObject());
  }

  private Future<JsonObject> unblock(UserAction action) {
    String me = RoomId.key(action.user());
    String otherKey = action.target() == null ? "" : RoomId.key(action.target());
    return db.query(ContactSql.DELETE_BLOCK, Tuple.of(me, otherKey))
      .compose(deleted -> AccessRelay.announce(vertx, cluster, AccessChange.ofUsers(me)))
      .map(announced -> new JsonObject());
  }

  private Future<JsonObject> blocks(UserAction action) {
    return db.query(ContactSql.BLOCKED, Tuple.of(RoomId.key(action.user())))
      .map(rows -> new JsonObject().put("blocked", names(rows)));
  }

  // ---------------------------------------------------------------- helpers

  private Future<Boolean> exists(String sql, String first, String second) {
    return db.query(sql, Tuple.of(first, second)).map(rows -> rows.size() > 0);
  }


  private static JsonObject state(String username, String state) {
    return new JsonObject().put("username", username).put("state", state);
  }

  private static String directMessages(RowSet<Row> rows) {
    return rows.size() == 0 ? DirectPolicy.EVERYONE : rows.iterator().next().getString(0);
  }

  private static Set<String> keys(RowSet<Row> rows) {
    Set<String> keys = new HashSet<>();
    rows.forEach(row -> keys.add(row.getString(0)));
    return keys;
  }

  private static JsonArray names(RowSet<Row> rows) {
    JsonArray names = new JsonArray();
    rows.forEach(row -> names.add(row.getString(0)));
    return names;
  }
}
