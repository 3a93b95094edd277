package chat.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/** A verticle's internal request address served by one function: its answer, or its failure as {@link Failure} tells it. */
public final class Service {

  private Service() {
  }

  /** A node-local consumer; completes when it is registered. */
  public static Future<Void> serve(Vertx vertx, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return vertx.eventBus().<JsonObject>localConsumer(address, request -> Future.succeededFuture(request.body())
        .compose(handler)
        .onSuccess(request::reply)
        .onFailure(err -> Failure.reply(request, err)))
      .completion();
  }

  /** A {@link UserAction}'s address (what the HTTP API's resources ask their verticles), served by one function. */
  public static Future<Void> serveAction(Vertx vertx, String address,
      Function<UserAction, Future<JsonObject>> handler) {
    return serve(vertx, address, body -> handler.apply(UserAction.fromJson(body)));
  }
}
