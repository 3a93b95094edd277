package chat.http;

import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Ends sessions that a password change has made stale, on every node: each session remembers when it logged
 * in, and a cluster-wide map holds, per user, the time before which logins no longer count.
 */
final class SessionGuard implements Handler<RoutingContext> {

  static final String LOGIN_TIME = "loginTime";
  private static final String MAP = "chat.sessions-valid-after";

  private final Vertx vertx;

  SessionGuard(Vertx vertx) {
    this.vertx = vertx;
  }

  static void loggedIn(RoutingContext ctx) {
    ctx.session().put(LOGIN_TIME, System.currentTimeMillis());
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.user() == null || ctx.session() == null) {
      ctx.next();
      return;
    }
    Long loginTime = ctx.session().get(LOGIN_TIME);
    // asynchronous: hold the request so a body handler or a WebSocket upgrade can still read it
    boolean paused = !ctx.request().isEnded();
    if (paused) {
      ctx.request().pause();
    }
    map().compose(map -> map.get(key(ctx)))
      .onComplete(validAfter -> {
        if (loginTime == null || validAfter.succeeded() && validAfter.result() != null
          && loginTime < validAfter.result()) {
          ctx.userContext().clear();
        }
        if (paused && !ctx.request().isEnded()) {
          ctx.request().resume();
        }
        ctx.next();
      });
  }

  /** Every session of this user that logged in before now ends; the calling session logs in anew. */
  Future<Void> endOtherSessions(RoutingContext ctx) {
    long now = System.currentTimeMillis();
    ctx.session().put(LOGIN_TIME, now + 1);
    return map().compose(map -> map.put(key(ctx), now + 1));
  }

  private Future<AsyncMap<String, Long>> map() {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  private static String key(RoutingContext ctx) {
    return RoomId.key(AccountApi.username(ctx));
  }
}
