package chat.http;

import chat.bus.Addresses;
import chat.channel.ChannelRules;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Channels people make: create, find, join and leave, invite and remove, roles, settings, delete (README
 * "Channels"). Fields are checked here, so a form gets every problem at once; who may do what is the channel
 * verticle's. Needs a login.
 */
final class ChannelsApi {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 100;
  private static final List<String> USERNAME = List.of("username");

  private final UserActions actions;
  private final List<String> topics;

  ChannelsApi(UserActions actions, List<String> topics) {
    this.actions = actions;
    this.topics = topics;
  }

  void mount(Router router) {
    router.post("/api/channels").handler(this::create);
    router.get("/api/channels").handler(this::search);
    router.get("/api/channels/:name").handler(ctx -> look(ctx, "get"));
    router.patch("/api/channels/:name").handler(this::update);
    router.delete("/api/channels/:name").handler(ctx -> change(ctx, "delete", new JsonObject(), 204, List.of()));
    router.post("/api/channels/:name/join").handler(ctx -> change(ctx, "join", new JsonObject(), 200, List.of()));
    router.post("/api/channels/:name/leave").handler(ctx -> change(ctx, "leave", new JsonObject(), 204, List.of()));
    router.post("/api/channels/:name/decline").handler(ctx -> change(ctx, "decline", new JsonObject(), 204, List.of()));
    router.post("/api/channels/:name/invite").handler(ctx -> withBody(ctx, "invite", 204, USERNAME));
    router.post("/api/channels/:name/remove").handler(ctx -> withBody(ctx, "remove", 204, USERNAME));
    router.post("/api/channels/:name/role").handler(ctx -> withBody(ctx, "role", 200, List.of("username", "role")));
    router.get("/api/invitations").handler(ctx -> UserActions.answer(ctx,
      actions.ask(Addresses.channels("invitations"), ctx, null, new JsonObject()), 200, List.of()));
  }

  private void create(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null || refused(ctx, form, true)) {
      return;
    }
    UserActions.answer(ctx, actions.change(Addresses.channels("create"), ctx, form.getString("name"), settings(form)),
      201, List.of("name"));
  }

  /** Answers 400 with every problem of the form's fields (a new channel's name and visibility are required). */
  private boolean refused(RoutingContext ctx, JsonObject form, boolean creating) {
    Map<String, String> problems = new LinkedHashMap<>();
    if (creating) {
      putProblem(problems, "name", ChannelRules.nameProblem(form.getValue("name"), topics));
    }
    putProblem(problems, "visibility", ChannelRules.visibilityProblem(form.getValue("visibility"), creating));
    putProblem(problems, "description", ChannelRules.descriptionProblem(form.getValue("description")));
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
    }
    return !problems.isEmpty();
  }

  /** The channel's settings from a checked form; absent ones stay null (unchanged, on a patch). */
  private static JsonObject settings(JsonObject form) {
    return new JsonObject().put("visibility", form.getString("visibility")).put("description", form.getString("description"));
  }

  private void search(RoutingContext ctx) {
    String q = ctx.queryParams().get("q");
    String limitText = ctx.queryParams().get("limit");
    Map<String, String> problems = new LinkedHashMap<>();
    if (q != null && q.length() > 32) {
      problems.put("q", "must be at most 32 characters");
    }
    int limit = DEFAULT_LIMIT;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        problems.put("limit", "must be from 1 to " + MAX_LIMIT);
      }
    }
    if (!problems.isEmpty()) {
      Replies.fieldErrors(ctx, 400, problems);
      return;
    }
    JsonObject args = new JsonObject().put("q", q == null ? "" : q).put("limit", limit);
    UserActions.answer(ctx, actions.ask(Addresses.channels("search"), ctx, null, args), 200, List.of());
  }

  private void update(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form != null && !refused(ctx, form, false)) {
      change(ctx, "update", settings(form), 200, List.of());
    }
  }

  private void withBody(RoutingContext ctx, String action, int status, List<String> fields) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form != null) {
      change(ctx, action, form, status, fields);
    }
  }

  private void look(RoutingContext ctx, String action) {
    UserActions.answer(ctx, actions.ask(Addresses.channels(action), ctx, ctx.pathParam("name"), new JsonObject()),
      200, List.of());
  }

  private void change(RoutingContext ctx, String action, JsonObject args, int status, List<String> fields) {
    UserActions.answer(ctx, actions.change(Addresses.channels(action), ctx, ctx.pathParam("name"), args), status,
      fields);
  }

  private static void putProblem(Map<String, String> problems, String field, String problem) {
    if (problem != null) {
      problems.put(field, problem);
    }
  }
}
