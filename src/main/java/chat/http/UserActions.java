package chat.http;

import chat.bus.Failure;
import chat.bus.RoomId;
import chat.bus.UserAction;
import chat.cluster.CounterKey;
import chat.cluster.SharedCounters;
import chat.cluster.WindowCounters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Collection;
import java.util.Map;

/**
 * How the channel and contacts resources ask their verticles: a {@link UserAction} of the session's user, the
 * answer or the refusal as the API tells it, and a limit on the actions that change something
 * ({@code channels.actionsPerMinute} per user, counted across the cluster) so that a flood of joins, invitations
 * or requests to connect is refused with 429 before it reaches the database.
 */
final class UserActions {

  static final long WINDOW_MS = 60_000;

  private final Vertx vertx;
  private final WindowCounters actions;
  private final int perMinute;

  UserActions(Vertx vertx, SharedCounters counters, int perMinute) {
    this.vertx = vertx;
    this.actions = counters.windows("user-actions", WINDOW_MS);
    this.perMinute = perMinute;
  }

  /** A look-up: not limited. */
  Future<JsonObject> ask(String address, RoutingContext ctx, String target, JsonObject args) {
    UserAction action = new UserAction(Requests.username(ctx), target, args);
    return vertx.eventBus().<JsonObject>request(address, action.toJson()).map(reply -> reply.body());
  }

  /** A change: counted against the user's actions per minute first. */
  Future<JsonObject> change(String address, RoutingContext ctx, String target, JsonObject args) {
    return actions.increment(CounterKey.of(RoomId.key(Requests.username(ctx)))).compose(count -> {
      if (count.count() > perMinute) {
        return Future.failedFuture(new Throttles.Throttled(count.retryAfterSeconds(System.currentTimeMillis())));
      }
      return ask(address, ctx, target, args);
    });
  }

  /**
   * The answer with this status (204: no body), or the refusal: a field's as {"errors": {field: …}} (a taken name
   * with 409), a throttled one as 429 after its delay, anything else as {@link Replies#failure}.
   */
  static void answer(RoutingContext ctx, Future<JsonObject> answer, int status, Collection<String> fields) {
    answer.onSuccess(body -> {
      if (status == 204) {
        Replies.noContent(ctx);
      } else {
        Replies.json(ctx, status, body);
      }
    }).onFailure(err -> refused(ctx, err, fields));
  }

  static void refused(RoutingContext ctx, Throwable err, Collection<String> fields) {
    if (err instanceof Throttles.Throttled throttled) {
      throttled.answer(ctx);
      return;
    }
    Map.Entry<String, String> field = Failure.fieldOf(err, fields);
    if (field == null && Failure.code(err) == Failure.CONFLICT && err.getMessage().startsWith("name: ")) {
      field = Map.entry("name", err.getMessage().substring("name: ".length()));
      Replies.fieldErrors(ctx, 409, Map.ofEntries(field));
    } else if (field != null) {
      Replies.fieldErrors(ctx, 400, Map.ofEntries(field));
    } else {
      Replies.failure(ctx, err);
    }
  }
}
