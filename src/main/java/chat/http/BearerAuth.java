package chat.http;

import chat.bus.Addresses;
import chat.bus.BotAccount;
import chat.bus.Failure;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SimpleAuthenticationHandler;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bot's request: {@code Authorization: Bearer <token>} in place of a session cookie, before the session handler,
 * which a bot's request then skips (no session, no cookie). A wrong, revoked or malformed token is 401 with one
 * log line, and counts towards {@link Throttles#tokenCheck}'s limit. A request without the header goes on to the
 * session's login; one with both is the token's bot.
 */
final class BearerAuth implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(BearerAuth.class);
  static final String BOT = "bot";

  private final Vertx vertx;
  private final Throttles throttles;
  /**
   * Checks in progress on this event loop, by address and token. A bot's requests at once share one check: each
   * check holds a place among the token's failures until it succeeds (so that guesses in parallel cannot pass the
   * limit), and a hundred requests of a good token at once would otherwise hold a hundred and lock it out.
   */
  private final Map<String, Future<BotAccount>> checking = new HashMap<>();
  /** Vert.x's own handler sets the user, so that ctx.user() is the bot for every handler after it. */
  private final SimpleAuthenticationHandler tokens = SimpleAuthenticationHandler.create().authenticate(this::bot);

  BearerAuth(Vertx vertx, Throttles throttles) {
    this.vertx = vertx;
    this.throttles = throttles;
  }

  /** The request's bearer token, or null when it has none. */
  static String token(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
  }

  /** Whether the request's user is a bot (signed in with a token, never with a session). */
  static boolean isBot(RoutingContext ctx) {
    return ctx.user() != null && ctx.user().principal().getBoolean(BOT, false);
  }

  private Future<BotAccount> checked(String address, String token) {
    String key = address + "\n" + token;
    Future<BotAccount> inProgress = checking.get(key);
    if (inProgress != null) {
      return inProgress;
    }
    Future<BotAccount> check = throttles.tokenCheck(address, token, () -> vertx.eventBus()
      .<JsonObject>request(Addresses.BOT_AUTHENTICATE, new JsonObject().put("token", token))
      .map(reply -> BotAccount.fromJson(reply.body())));
    if (!check.isComplete()) {
      checking.put(key, check);
      check.onComplete(done -> checking.remove(key));
    }
    return check;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (token(ctx) == null) {
      ctx.next();
    } else {
      tokens.handle(ctx);
    }
  }

  private Future<User> bot(RoutingContext ctx) {
    String token = token(ctx);
    String address = Requests.clientAddress(ctx);
    return checked(address, token)
      .map(bot -> User.create(new JsonObject().put("username", bot.name()).put(BOT, true)))
      .recover(err -> {
        if (Failure.code(err) == Failure.UNAUTHORIZED) {
          LOG.warn("bot token refused from {}", address);
          return Future.failedFuture(new HttpException(401, "invalid or revoked token"));
        }
        // a Throttled (429) or a node that could not look the token up (503): Vert.x wraps it in a 401, and
        // HttpVerticle's failure handler answers what it wraps
        return Future.failedFuture(err);
      });
  }
}
