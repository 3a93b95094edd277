package chat.http;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.bus.UserAction;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** The rooms a user sees: the public ones, their channels, their private ones, and what is unread in each. Needs a login. */
final class RoomsApi {

  private final Vertx vertx;
  private final List<String> topics;

  RoomsApi(Vertx vertx, List<String> topics) {
    this.vertx = vertx;
    this.topics = topics;
  }

  void mount(Router router) {
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/unread").handler(this::unread);
    router.get("/api/private-rooms").handler(this::privateRooms);
  }

  /** The global room, the topics, then the channels the user is in (by name). */
  private void rooms(RoutingContext ctx) {
    JsonArray rooms = new JsonArray().add(new JsonObject().put("id", RoomId.GLOBAL_ID));
    topics.forEach(topic -> rooms.add(new JsonObject().put("id", new RoomId.Topic(topic).id())));
    UserAction mine = new UserAction(Requests.username(ctx), null);
    vertx.eventBus().<JsonObject>request(Addresses.channels("mine"), mine.toJson())
      .onSuccess(reply -> {
        rooms.addAll(reply.body().getJsonArray("channels"));
        Replies.json(ctx, 200, new JsonObject().put("rooms", rooms));
      })
      .onFailure(err -> Replies.failure(ctx, err));
  }

  private void unread(RoutingContext ctx) {
    JsonObject user = new JsonObject().put("username", Requests.username(ctx));
    Replies.relay(ctx, vertx.eventBus().request(Addresses.STORE_UNREAD, user));
  }

  private void privateRooms(RoutingContext ctx) {
    JsonObject user = new JsonObject().put("username", Requests.username(ctx));
    Replies.relay(ctx, vertx.eventBus().request(Addresses.STORE_PRIVATE_ROOMS, user));
  }
}
