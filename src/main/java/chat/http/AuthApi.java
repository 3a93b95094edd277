package chat.http;

import chat.account.Account;
import chat.account.Registration;
import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import chat.metrics.ChatMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Getting in and out: register, log in, log out, and who this session is. Accounts themselves live in the account
 * verticle; this class ties them to sessions.
 */
final class AuthApi {

  private static final Logger LOG = LoggerFactory.getLogger(AuthApi.class);

  private final Vertx vertx;
  private final SessionHandler sessions;
  private final SessionGuard guard;
  private final Throttles throttles;
  private final ChatMetrics metrics;

  AuthApi(Vertx vertx, SessionHandler sessions, SessionGuard guard, Throttles throttles, ChatMetrics metrics) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.guard = guard;
    this.throttles = throttles;
    this.metrics = metrics;
  }

  /** Registering and logging in: the only API calls made without a login, so mounted before the login wall. */
  void mountOpen(Router router) {
    router.post("/api/register").handler(this::register);
    router.post("/api/login").handler(this::login);
  }

  /** Logging out and asking who you are: behind the login wall. */
  void mount(Router router) {
    router.post("/api/logout").handler(this::logout);
    router.get("/api/me").handler(this::me);
  }

  private void register(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    Map<String, String> problems = Registration.problems(form);
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
      return;
    }
    Registration registration = new Registration(form.getString("username"), form.getString("email"),
      form.getString("password"));
    throttles.registration(Requests.clientAddress(ctx),
        () -> vertx.eventBus().<JsonObject>request(Addresses.ACCOUNT_REGISTER, registration.toJson()))
      .onSuccess(reply -> Replies.json(ctx, 201, reply.body()))
      .onFailure(err -> {
        if (err instanceof Throttles.Throttled throttled) {
          throttled.answer(ctx);
        } else if (Failure.code(err) == Failure.CONFLICT) {
          Map<String, String> taken = new LinkedHashMap<>();
          for (String field : err.getMessage().split(",")) {
            taken.put(field, "is already taken");
          }
          Replies.fieldErrors(ctx, 409, taken);
        } else {
          Replies.failure(ctx, err);
        }
      });
  }

  private void login(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    Map<String, String> problems = Requests.missing(form, "username", "password");
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
      return;
    }
    String username = form.getString("username");
    JsonObject credentials = new JsonObject().put("username", username).put("password", form.getString("password"));
    String address = Requests.clientAddress(ctx);
    throttles.passwordCheck(username, address,
        () -> vertx.eventBus().<JsonObject>request(Addresses.ACCOUNT_LOGIN, credentials).onFailure(err -> {
          metrics.login(false);
          LOG.warn("login refused ({}) for {} from {}", Failure.code(err), loggable(username), address);
        }))
      .map(reply -> Account.fromJson(reply.body()))
      .compose(account -> {
        // a fresh id at login, so a session id planted before login is worth nothing after it
        ctx.session().regenerateId();
        SessionGuard.loggedIn(ctx);
        // stored before the answer: the page's next request may go to any node, which looks the session up once
        return sessions.setUser(ctx, User.fromName(account.username()))
          .compose(v -> sessions.flush(ctx, true))
          .map(account);
      })
      .onSuccess(account -> {
        metrics.login(true);
        Replies.json(ctx, 200, new JsonObject().put("username", account.username()));
      })
      .onFailure(err -> {
        if (err instanceof Throttles.Throttled throttled) {
          metrics.login(false);
          throttled.answer(ctx);
        } else {
          Replies.failure(ctx, err);
        }
      });
  }

  /** A username as typed, for the log: only when it could be one (never what a client made up, whatever its size). */
  private static String loggable(String username) {
    return RoomId.USERNAME.matcher(username).matches() ? username : "(invalid name)";
  }

  /** The session ends on every node (see {@link SessionGuard}) and its sockets close, before the answer. */
  private void logout(RoutingContext ctx) {
    String sessionId = ctx.session().id();
    ctx.userContext().clear();
    guard.endSession(sessionId)
      .onComplete(done -> {
        vertx.eventBus().publish(Addresses.SESSIONS_END, new JsonObject().put("session", sessionId));
        Replies.noContent(ctx);
      });
  }

  private void me(RoutingContext ctx) {
    JsonObject user = new JsonObject().put("username", Requests.username(ctx));
    Replies.relay(ctx, vertx.eventBus().request(Addresses.ACCOUNT_FIND, user));
  }
}
