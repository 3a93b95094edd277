package chat.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Headers that keep the page from being framed, sniffed or made to run scripts it did not ship. */
final class SecurityHeaders implements Handler<RoutingContext> {

  static final String CONTENT_SECURITY_POLICY = String.join("; ",
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'");

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().headers()
      .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Content-Type-Options", "nosniff")
      .set("X-Frame-Options", "DENY")
      .set("Referrer-Policy", "no-referrer");
    ctx.next();
  }
}
