package chat.http;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends sessions for good, on every node. Two kinds of ending:
 * <ul>
 * <li>a password change: each session remembers when it logged in, and the cluster keeps, per user, the time
 * before which logins no longer count;</li>
 * <li>a logout: the cluster keeps the session's id as ended for the session timeout. Destroying a session is not
 * enough in a cluster: a request still in flight on another node when the user logs out writes the session back
 * to the store when it finishes, and the stolen cookie would work again.</li>
 * </ul>
 * Each node holds a copy of both, shared by its HTTP verticles, so checking a request or a WebSocket upgrade is a
 * map read, not a cluster round trip: the copy is loaded before the node serves, takes every change from the
 * {@link Addresses#SESSIONS_END} publish, and is loaded again every minute. A logout answers only once every
 * live node has the id in its copy ({@link Addresses#sessionEnded}).
 */
final class SessionGuard implements Handler<RoutingContext> {

  static final String LOGIN_TIME = "loginTime";
  static final String VALID_AFTER = "validAfter";
  static final String ENDED_UNTIL = "until";
  private static final String MAP = "chat.sessions-valid-after";
  private static final String ENDED_MAP = "chat.sessions-ended";
  static final long RELOAD_MS = 60_000;
  private static final long NODE_ANSWER_MS = 3000;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final long sessionTimeoutMs;
  /**
   * This node's copy of the cluster map, by username key. Entries are kept for good, as in the cluster map: an
   * active session outlives the idle timeout, so no age makes a cut-off moot.
   */
  private final LocalMap<String, Long> validAfter;
  /** Ended session ids, and until when they must stay ended (then the session would have timed out anyway). */
  private final LocalMap<String, Long> ended;

  SessionGuard(Vertx vertx, ClusterView cluster, long sessionTimeoutMs) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.validAfter = vertx.sharedData().getLocalMap(MAP);
    this.ended = vertx.sharedData().getLocalMap(ENDED_MAP);
  }

  /** Listens for changes first, then loads the copy, so that no change falls between the two. */
  Future<Void> start() {
    vertx.setPeriodic(RELOAD_MS, id -> load());
    return Future.all(
        vertx.eventBus().<JsonObject>consumer(Addresses.SESSIONS_END, message -> keep(message.body())).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.sessionEnded(cluster.nodeId()), message -> {
          keep(message.body());
          message.reply(null);
        }).completion())
      .compose(v -> load());
  }

  private void keep(JsonObject end) {
    Long time = end.getLong(VALID_AFTER);
    if (time != null) {
      keep(RoomId.key(end.getString("username")), time);
    }
    Long until = end.getLong(ENDED_UNTIL);
    if (until != null && end.getString("session") != null) {
      ended.merge(end.getString("session"), until, Math::max);
    }
  }

  static void loggedIn(RoutingContext ctx) {
    ctx.session().put(LOGIN_TIME, System.currentTimeMillis());
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.session() != null && isEnded(ctx.session().id())) {
      // written back by a request that was in flight at the logout: destroyed again (deleted from the store)
      ctx.userContext().clear();
    } else if (ctx.user() != null && ctx.session() != null) {
      Long loginTime = ctx.session().get(LOGIN_TIME);
      Long cutOff = validAfter.get(key(ctx));
      if (loginTime == null || cutOff != null && loginTime < cutOff) {
        ctx.userContext().clear();
      }
    }
    ctx.next();
  }

  /**
   * Every session of this user that logged in before now ends; the calling session logs in anew. Completes with
   * the cut-off, for the {@link Addresses#SESSIONS_END} publish that tells the other nodes.
   */
  Future<Long> endOtherSessions(RoutingContext ctx) {
    long cutOff = System.currentTimeMillis() + 1;
    String userKey = key(ctx);
    ctx.session().put(LOGIN_TIME, cutOff);
    keep(userKey, cutOff);
    return map().compose(map -> map.put(userKey, cutOff)).map(cutOff);
  }

  /** Whether this session id was ended by a logout (on any node) within the session timeout. */
  boolean isEnded(String sessionId) {
    Long until = ended.get(sessionId);
    return until != null && until > System.currentTimeMillis();
  }

  /**
   * Marks this (just destroyed) session as ended on every node: in the cluster map, for nodes that start later,
   * and in each live node's copy, which each node confirms before this completes (a node that does not answer
   * within 3 s is left to its next reload).
   */
  Future<Void> endSession(String sessionId) {
    long until = System.currentTimeMillis() + sessionTimeoutMs;
    JsonObject end = new JsonObject().put("session", sessionId).put(ENDED_UNTIL, until);
    keep(end);
    Future<Void> stored = vertx.sharedData().<String, Long>getAsyncMap(ENDED_MAP)
      .compose(map -> map.put(sessionId, until, sessionTimeoutMs));
    List<Future<?>> told = new ArrayList<>();
    for (String node : cluster.liveNodes()) {
      if (!node.equals(cluster.nodeId())) {
        told.add(vertx.eventBus().request(Addresses.sessionEnded(node), end,
          new DeliveryOptions().setSendTimeout(NODE_ANSWER_MS)).otherwiseEmpty());
      }
    }
    return stored.compose(v -> Future.join(told)).mapEmpty();
  }

  private Future<Void> load() {
    long now = System.currentTimeMillis();
    ended.keySet().stream().filter(id -> !isEnded(id)).toList().forEach(ended::remove);
    Future<Void> cutOffs = map().compose(AsyncMap::entries).onSuccess(entries -> entries.forEach(this::keep)).mapEmpty();
    Future<Void> endings = vertx.sharedData().<String, Long>getAsyncMap(ENDED_MAP).compose(AsyncMap::entries)
      .onSuccess(entries -> entries.forEach((id, until) -> {
        if (until > now) {
          ended.merge(id, until, Math::max);
        }
      })).mapEmpty();
    return Future.all(cutOffs, endings).mapEmpty();
  }

  private void keep(String userKey, long cutOff) {
    validAfter.merge(userKey, cutOff, Math::max);
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  private static String key(RoutingContext ctx) {
    return RoomId.key(Requests.username(ctx));
  }
}
