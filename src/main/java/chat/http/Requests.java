package chat.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every API resource reads from a request, read one way: the JSON body, the session's user, the client's
 * address, the fields a form left out. The answers are {@link Replies}'.
 */
final class Requests {

  private Requests() {
  }

  /** Whether the request says its body is JSON; answers 415 when it does not. */
  static boolean saysJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase().startsWith("application/json")) {
      Replies.error(ctx, 415, "Content-Type must be application/json");
      return false;
    }
    return true;
  }

  /** The request body as a JSON object, or null after answering 400/415. */
  static JsonObject jsonBody(RoutingContext ctx) {
    if (!saysJson(ctx)) {
      return null;
    }
    try {
      Object body = ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
      if (body instanceof JsonObject json) {
        return json;
      }
    } catch (DecodeException | ClassCastException e) {
      // answered below
    }
    Replies.error(ctx, 400, "body must be a JSON object");
    return null;
  }

  /** A whole-number query parameter from min to max, {@code absent} when it is not there; null when it is not one. */
  static Long wholeParam(RoutingContext ctx, String name, long absent, long min, long max) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return absent;
    }
    try {
      long whole = Long.parseLong(value);
      return whole >= min && whole <= max ? whole : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The logged-in user of the session: behind HttpVerticle's login wall there always is one. */
  static String username(RoutingContext ctx) {
    return ctx.user().principal().getString("username");
  }

  /** The client's real address: the peer's, or the one a trusted proxy forwards (see {@link ProxyHeaders}). */
  static String clientAddress(RoutingContext ctx) {
    return ProxyHeaders.of(ctx).address();
  }

  /** Each of these fields that is not a string, as "required", in the order given. */
  static Map<String, String> missing(JsonObject form, String... fields) {
    Map<String, String> problems = new LinkedHashMap<>();
    for (String field : fields) {
      if (!(form.getValue(field) instanceof String)) {
        problems.put(field, "required");
      }
    }
    return problems;
  }
}
