package chat.http;

import chat.bus.Failure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/** JSON answers of the API: a body, {@code {"error": …}} or {@code {"errors": {field: …}}}. */
final class Replies {

  /** What a 503 tells the client to wait: the busy moments it answers (a full bcrypt queue, a database away) pass. */
  static final int RETRY_AFTER_SECONDS = 2;

  private Replies() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
      .end(body.encode());
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end();
  }

  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  static void fieldErrors(RoutingContext ctx, int status, Map<String, String> errors) {
    json(ctx, status, new JsonObject().put("errors", new JsonObject(Map.copyOf(errors))));
  }

  /** A failed request to another verticle, told to the client with its code; never a stack trace. */
  static void failure(RoutingContext ctx, Throwable err) {
    int code = Failure.code(err);
    if (code >= 500) {
      if (code != Failure.INTERNAL) {
        ctx.response().putHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
      }
      error(ctx, code == Failure.INTERNAL ? 500 : 503, "service unavailable, try again");
    } else {
      error(ctx, code, err.getMessage());
    }
  }
}
