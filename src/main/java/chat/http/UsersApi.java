package chat.http;

import chat.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The people a user can find by name, each with whether they are online anywhere in the cluster. Needs a login. */
final class UsersApi {

  private static final Pattern USER_PREFIX = Pattern.compile("[A-Za-z0-9_-]{0,20}");

  private final Vertx vertx;

  UsersApi(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/api/users").handler(this::users);
  }

  private void users(RoutingContext ctx) {
    String prefix = ctx.queryParams().get("q") == null ? "" : ctx.queryParams().get("q");
    Map<String, String> problems = new LinkedHashMap<>();
    if (!USER_PREFIX.matcher(prefix).matches()) {
      problems.put("q", "up to 20 letters, digits, _ or -");
    }
    Long limit = Requests.wholeParam(ctx, "limit", 50, 1, 100);
    if (limit == null) {
      problems.put("limit", "a number from 1 to 100");
    }
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
      return;
    }
    Replies.relay(ctx, vertx.eventBus().<JsonObject>request(Addresses.ACCOUNT_SEARCH,
        new JsonObject().put("prefix", prefix).put("limit", limit.intValue()))
      .compose(found -> vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY, found.body())
        .map(present -> {
          // a bot says so, for the page's badge
          JsonArray bots = found.body().getJsonArray("bots");
          present.body().getJsonArray("users").forEach(user -> {
            if (bots.contains(((JsonObject) user).getString("username"))) {
              ((JsonObject) user).put("bot", true);
            }
          });
          return present;
        })));
  }
}
