package chat.http;

import chat.account.Registration;
import chat.bus.Addresses;
import chat.bus.Failure;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SessionHandler;

import java.util.Map;

/** Changes a logged-in user makes to their own account: the email address and the password. Needs a login. */
final class ProfileApi {

  private final Vertx vertx;
  private final SessionHandler sessions;
  private final SessionGuard guard;
  private final Throttles throttles;

  ProfileApi(Vertx vertx, SessionHandler sessions, SessionGuard guard, Throttles throttles) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.guard = guard;
    this.throttles = throttles;
  }

  void mount(Router router) {
    router.post("/api/profile/email").handler(this::changeEmail);
    router.post("/api/profile/password").handler(this::changePassword);
  }

  private void changeEmail(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    String problem = Registration.emailProblem(form.getValue("email"));
    if (problem != null) {
      Replies.fieldErrors(ctx, 400, Map.of("email", problem));
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.ACCOUNT_CHANGE_EMAIL,
        new JsonObject().put("username", Requests.username(ctx)).put("email", form.getString("email")))
      .onSuccess(reply -> Replies.json(ctx, 200, reply.body()))
      .onFailure(err -> {
        if (Failure.code(err) == Failure.CONFLICT) {
          Replies.fieldErrors(ctx, 409, Map.of("email", "is already taken"));
        } else {
          Replies.failure(ctx, err);
        }
      });
  }

  /** A new password ends every other session of the user, on every node, with their sockets. */
  private void changePassword(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    Map<String, String> problems = Registration.passwordProblems(form);
    problems.putAll(Requests.missing(form, "currentPassword"));
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
      return;
    }
    String username = Requests.username(ctx);
    // the current password is checked like a login's, and throttled alike: a stolen session is no oracle
    throttles.passwordCheck(username, Requests.clientAddress(ctx),
        () -> vertx.eventBus().request(Addresses.ACCOUNT_CHANGE_PASSWORD, new JsonObject()
          .put("username", username).put("currentPassword", form.getString("currentPassword"))
          .put("password", form.getString("password"))))
      .compose(changed -> guard.endOtherSessions(ctx))
      // this session's new login time is stored before the reply (Vert.x would store it after): the client's
      // next request may read the session on any node, and the old time is before the cut-off
      .compose(cutOff -> sessions.flush(ctx, true).map(cutOff))
      .onSuccess(cutOff -> {
        vertx.eventBus().publish(Addresses.SESSIONS_END, new JsonObject().put("username", username)
          .put("exceptSession", ctx.session().id()).put(SessionGuard.VALID_AFTER, cutOff));
        Replies.noContent(ctx);
      })
      .onFailure(err -> {
        if (err instanceof Throttles.Throttled throttled) {
          throttled.answer(ctx);
        } else if (Failure.code(err) == Failure.UNAUTHORIZED) {
          Replies.fieldErrors(ctx, 400, Map.of("currentPassword", "is not your current password"));
        } else {
          Replies.failure(ctx, err);
        }
      });
  }
}
