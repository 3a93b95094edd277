package chat.http;

import chat.bus.Addresses;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends sessions that a password change has made stale, on every node: each session remembers when it logged
 * in, and the cluster keeps, per user, the time before which logins no longer count. Each node holds a copy of
 * those times, shared by its HTTP verticles, so checking a request or a WebSocket upgrade is a map read, not a
 * cluster round trip: the copy is loaded before the node serves, takes every change from the
 * {@link Addresses#SESSIONS_END} publish that announces it, and is loaded again every minute, for a change made
 * while this node was joining the cluster.
 */
final class SessionGuard implements Handler<RoutingContext> {

  static final String LOGIN_TIME = "loginTime";
  static final String VALID_AFTER = "validAfter";
  private static final String MAP = "chat.sessions-valid-after";
  static final long RELOAD_MS = 60_000;

  private final Vertx vertx;
  /**
   * This node's copy of the cluster map, by username key. Entries are kept for good, as in the cluster map: an
   * active session outlives the idle timeout, so no age makes a cut-off moot.
   */
  private final LocalMap<String, Long> validAfter;

  SessionGuard(Vertx vertx) {
    this.vertx = vertx;
    this.validAfter = vertx.sharedData().getLocalMap(MAP);
  }

  /** Listens for changes first, then loads the copy, so that no change falls between the two. */
  Future<Void> start() {
    vertx.setPeriodic(RELOAD_MS, id -> load());
    return vertx.eventBus().<JsonObject>consumer(Addresses.SESSIONS_END, ended -> {
        Long time = ended.body().getLong(VALID_AFTER);
        if (time != null) {
          keep(RoomId.key(ended.body().getString("username")), time);
        }
      })
      .completion()
      .compose(v -> load());
  }

  static void loggedIn(RoutingContext ctx) {
    ctx.session().put(LOGIN_TIME, System.currentTimeMillis());
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.user() != null && ctx.session() != null) {
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

  private Future<Void> load() {
    return map().compose(AsyncMap::entries).onSuccess(entries -> entries.forEach(this::keep)).mapEmpty();
  }

  private void keep(String userKey, long cutOff) {
    validAfter.merge(userKey, cutOff, Math::max);
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  private static String key(RoutingContext ctx) {
    return RoomId.key(AccountApi.username(ctx));
  }
}
