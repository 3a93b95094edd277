package chat.http;

import chat.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** JSON answers of the API: a body, {@code {"error": …}} or {@code {"errors": {field: …}}}. */
final class Replies {

  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

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

  /** Another verticle's answer, as it is, with 200; or its failure as {@link #failure} tells it. */
  static void relay(RoutingContext ctx, Future<Message<JsonObject>> answer) {
    answer
      .onSuccess(reply -> json(ctx, 200, reply.body()))
      .onFailure(err -> failure(ctx, err));
  }

  /**
   * A failed request to another verticle, told to the client as {@link Failure#told} maps it; a server-side
   * trouble reads the same whatever it was, and a 503 says when to come back.
   */
  static void failure(RoutingContext ctx, Throwable err) {
    Failure.Told told = Failure.told(err);
    if (!told.serverSide()) {
      error(ctx, told.code(), told.message());
      return;
    }
    if (told.code() == Failure.INTERNAL) {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.normalizedPath(), err.toString());
    } else {
      ctx.response().putHeader("Retry-After", String.valueOf(RETRY_AFTER_SECONDS));
    }
    error(ctx, told.code(), "service unavailable, try again");
  }
}
