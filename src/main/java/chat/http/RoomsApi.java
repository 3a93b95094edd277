package chat.http;

import chat.access.RoomAccess;
import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.bus.UserAction;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** The rooms a user sees: the public ones, their channels, their private ones, and what is unread in each. Needs a login. */
final class RoomsApi {

  private static final int ONLINE_LIMIT = 100;

  private final Vertx vertx;
  private final List<String> topics;
  private final RoomAccess access;

  RoomsApi(Vertx vertx, List<String> topics) {
    this.vertx = vertx;
    this.topics = topics;
    this.access = new RoomAccess(vertx);
  }

  void mount(Router router) {
    router.get("/api/rooms").handler(this::rooms);
    router.get("/api/unread").handler(this::unread);
    router.get("/api/private-rooms").handler(this::privateRooms);
    router.get("/api/rooms/:room/online").handler(this::online);
  }

  /**
   * Who is online in a room the user may read, by name, at most {@value #ONLINE_LIMIT} of them, and how many:
   * everyone online for the global room and the topics, the members of a channel or a private room.
   */
  private void online(RoutingContext ctx) {
    String user = Requests.username(ctx);
    RoomId room = RoomId.parse(ctx.pathParam("room"), topics);
    if (room == null || !room.admits(user)) {
      Replies.error(ctx, 404, "no such room");
      return;
    }
    // null: everyone online
    Future<JsonArray> among = Future.succeededFuture(null);
    if (room instanceof RoomId.Channel channel) {
      among = access.channel(channel.name()).map(snapshot -> new JsonArray(List.copyOf(snapshot.roles().keySet())));
    } else if (room instanceof RoomId.Direct direct) {
      among = Future.succeededFuture(new JsonArray(List.of(direct.first(), direct.second())));
    }
    Future<JsonArray> members = among;
    Replies.relay(ctx, access.readable(room, user).compose(readable -> members)
      .compose(names -> vertx.eventBus().<JsonObject>request(Addresses.PRESENCE_QUERY,
        new JsonObject().put("among", names).put("limit", ONLINE_LIMIT)))
      .map(answer -> {
        answer.body().put("room", room.id());
        return answer;
      }));
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
