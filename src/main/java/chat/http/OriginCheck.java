package chat.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Cross-site requests are refused: a state-changing request or a WebSocket upgrade whose Origin is not this
 * server's own gets 403. Browsers always send Origin on those, so a request without one is not a browser acting
 * for another site (curl, the benchmark) and passes; SameSite=Strict cookies are the second wall.
 */
final class OriginCheck implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    boolean stateChanging = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
    boolean upgrade = "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"));
    if (origin == null || !(stateChanging || upgrade) || origin.equalsIgnoreCase(ownOrigin(ctx))) {
      ctx.next();
    } else {
      Replies.error(ctx, 403, "cross-origin request refused");
    }
  }

  private static String ownOrigin(RoutingContext ctx) {
    return ctx.request().scheme() + "://" + ctx.request().authority();
  }
}
