package chat.http;

import chat.bus.Addresses;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * Bots (README "Bots"): a person makes, lists, re-keys and deletes their own bots with their session; a bot posts
 * with its token ({@link BearerAuth}), like a script's incoming webhook. A bot's token reaches the rest of the API
 * as its own user, but never a person's account or bots ({@link #peopleOnly}).
 */
final class BotsApi {

  private static final List<String> FIELDS = List.of("name", "description");
  /** A poll waits at most this long: under the proxies' usual 60 s read timeout. */
  static final long MAX_WAIT_S = 50;
  private static final java.util.Set<String> PEOPLE_ONLY = java.util.Set.of("/api/login", "/api/register",
    "/api/logout", "/api/bots");

  private final Vertx vertx;
  private final UserActions actions;

  BotsApi(Vertx vertx, UserActions actions) {
    this.vertx = vertx;
    this.actions = actions;
  }

  void mount(Router router) {
    router.post("/api/bots/messages").handler(this::post);
    router.get("/api/bots/updates").handler(this::updates);
    router.post("/api/bots").handler(this::create);
    router.get("/api/bots").handler(ctx ->
      UserActions.answer(ctx, actions.ask(Addresses.bots("list"), ctx, null, new JsonObject()), 200, List.of()));
    router.post("/api/bots/:name/token").handler(ctx -> UserActions.answer(ctx,
      actions.change(Addresses.bots("token"), ctx, ctx.pathParam("name"), new JsonObject()), 200, List.of()));
    router.delete("/api/bots/:name").handler(ctx -> UserActions.answer(ctx,
      actions.change(Addresses.bots("delete"), ctx, ctx.pathParam("name"), new JsonObject()), 204, List.of()));
    router.put("/api/bots/:name/commands").handler(this::setCommands);
    // every bot's commands, for the page's "/" completion
    router.get("/api/commands").handler(ctx -> Replies.relay(ctx, vertx.eventBus().request(Addresses.BOT_COMMANDS,
      new JsonObject())));
  }

  /**
   * A bot's token opens the API as the bot, but not what only a person does (log in, register, their account and
   * sessions, their bots): 403 there, before any of it runs.
   */
  static void peopleOnly(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    boolean botsOwn = path.equals("/api/bots/messages") || path.equals("/api/bots/updates")
      // its own commands, as a Telegram bot sets its own: the owner may too
      || ctx.request().method() == io.vertx.core.http.HttpMethod.PUT
      && path.equalsIgnoreCase("/api/bots/" + Requests.username(ctx) + "/commands");
    if (BearerAuth.isBot(ctx) && (PEOPLE_ONLY.contains(path) || path.startsWith("/api/profile/")
      || path.startsWith("/api/bots/") && !botsOwn)) {
      Replies.error(ctx, 403, "a bot cannot do this, its owner can");
    } else {
      ctx.next();
    }
  }

  /** The body is the list itself, [{name, description, usage}], which replaces the bot's. */
  private void setCommands(RoutingContext ctx) {
    if (!Requests.saysJson(ctx)) {
      return;
    }
    Object list;
    try {
      list = ctx.body().buffer() == null ? null : io.vertx.core.json.Json.decodeValue(ctx.body().buffer());
    } catch (io.vertx.core.json.DecodeException e) {
      list = null;
    }
    UserActions.answer(ctx, actions.change(Addresses.bots("set-commands"), ctx, ctx.pathParam("name"),
      new JsonObject().put("commands", list)), 200, List.of("commands"));
  }

  /**
   * A bot's long poll: {"updates": [{updateId, type, …}]}, its commands and private messages after {@code after} (the
   * last id it has seen, which acknowledges those up to it), at once when there are some, else as soon as one
   * comes or {@code wait} seconds pass (then an empty list). Any node answers: the updates are stored, and a new
   * one is announced to every node.
   */
  private void updates(RoutingContext ctx) {
    if (!BearerAuth.isBot(ctx)) {
      Replies.error(ctx, 403, "only a bot polls for its updates, with its token");
      return;
    }
    Long after = Requests.wholeParam(ctx, "after", 0, 0, Long.MAX_VALUE);
    Long wait = Requests.wholeParam(ctx, "wait", 30, 0, MAX_WAIT_S);
    if (after == null || wait == null) {
      Replies.fieldErrors(ctx, 400, after == null ? Map.of("after", "the id of the last update seen, 0 or more")
        : Map.of("wait", "seconds from 0 to " + MAX_WAIT_S));
      return;
    }
    String bot = Requests.username(ctx);
    JsonObject asked = new JsonObject().put("bot", bot).put("after", after);
    if (wait == 0) {
      // nothing to wait for, so no cluster-wide registration to make and take back
      read(asked).onSuccess(updates -> Replies.json(ctx, 200, updates)).onFailure(err -> Replies.failure(ctx, err));
      return;
    }
    // listening first: an update stored between the read and the wait would otherwise wait out the timer
    MessageConsumer<Object> announced = vertx.eventBus().consumer(Addresses.botUpdated(RoomId.key(bot)));
    Promise<Void> woken = Promise.promise();
    long timer = vertx.setTimer(wait * 1000, id -> woken.tryComplete());
    announced.handler(update -> woken.tryComplete());
    ctx.response().closeHandler(closed -> woken.tryComplete());
    announced.completion()
      .compose(listening -> read(asked))
      .compose(first -> !first.getJsonArray("updates").isEmpty() ? Future.succeededFuture(first)
        : woken.future().compose(v -> read(asked)))
      .onComplete(done -> {
        vertx.cancelTimer(timer);
        announced.unregister();
      })
      .onSuccess(updates -> Replies.json(ctx, 200, updates))
      .onFailure(err -> Replies.failure(ctx, err));
  }

  private Future<JsonObject> read(JsonObject asked) {
    return vertx.eventBus().<JsonObject>request(Addresses.BOT_UPDATES, asked).map(reply -> reply.body());
  }

  /** 201 with the bot and its token, which is shown this once. */
  private void create(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    if (!(form.getValue("name") instanceof String name)) {
      Replies.fieldErrors(ctx, 400, Map.of("name", "required"));
      return;
    }
    UserActions.answer(ctx, actions.change(Addresses.bots("create"), ctx, name,
      new JsonObject().put("description", form.getValue("description"))), 201, FIELDS);
  }

  /**
   * A bot's message, {room, text, cid?, to?}: the same send as the bridge's, so the same checks, rate, idempotency
   * (a cid sent twice is stored once) and order; 201 with the stored message.
   */
  private void post(RoutingContext ctx) {
    if (!BearerAuth.isBot(ctx)) {
      Replies.error(ctx, 403, "only a bot posts here, with its token; people send over the bridge");
      return;
    }
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    JsonObject send = new JsonObject().put("room", form.getValue("room")).put("text", form.getValue("text"));
    if (form.getValue("cid") != null) {
      send.put("cid", form.getValue("cid"));
    }
    if (form.getValue("to") != null) {
      send.put("to", form.getValue("to"));
    }
    vertx.eventBus().<JsonObject>request(Addresses.SEND, send, new DeliveryOptions()
        .addHeader(Addresses.USER_HEADER, Requests.username(ctx)).addHeader(Addresses.BOT_HEADER, "true"))
      .onSuccess(stored -> Replies.json(ctx, 201, stored.body()))
      .onFailure(err -> Replies.failure(ctx, err));
  }
}
