package chat.account;

import chat.bus.Addresses;
import chat.bus.Failure;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Someone a request names ({@code username}): a registered user, not the one asking, by their name as registered. */
public final class People {

  private People() {
  }

  /** Fails with a field error of {@code username}: required, no such user, is you. */
  public static Future<String> other(EventBus bus, String username, String askingKey) {
    if (username == null || !RoomId.USERNAME.matcher(username).matches()) {
      return Future.failedFuture(Failure.field("username", username == null ? "required" : "no such user"));
    }
    if (RoomId.key(username).equals(askingKey)) {
      return Future.failedFuture(Failure.field("username", "is you"));
    }
    return bus.<JsonObject>request(Addresses.ACCOUNT_FIND, new JsonObject().put("username", username))
      .map(found -> found.body().getString("username"))
      .recover(err -> Future.failedFuture(Failure.code(err) == Failure.NOT_FOUND
        ? Failure.field("username", "no such user") : err));
  }
}
