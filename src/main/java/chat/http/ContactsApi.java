package chat.http;

import chat.bus.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * Who may write to whom: requests to connect, contacts, blocks and the {@code directMessages} setting (README
 * "Contacts and blocking"). Needs a login.
 */
final class ContactsApi {

  private static final List<String> USERNAME = List.of("username");

  private final UserActions actions;

  ContactsApi(UserActions actions) {
    this.actions = actions;
  }

  void mount(Router router) {
    router.get("/api/contacts").handler(ctx -> look(ctx, "list"));
    router.post("/api/contacts/requests").handler(this::request);
    router.post("/api/contacts/requests/:username/accept").handler(ctx -> change(ctx, "accept", new JsonObject(), 200));
    router.post("/api/contacts/requests/:username/decline").handler(ctx -> change(ctx, "decline", new JsonObject(), 204));
    router.delete("/api/contacts/:username").handler(ctx -> change(ctx, "remove", new JsonObject(), 204));
    router.get("/api/blocks").handler(ctx -> look(ctx, "blocks"));
    router.post("/api/blocks").handler(ctx -> {
      JsonObject form = Requests.jsonBody(ctx);
      if (form != null) {
        change(ctx, "block", form, 204);
      }
    });
    router.delete("/api/blocks/:username").handler(ctx -> change(ctx, "unblock", new JsonObject(), 204));
    router.get("/api/profile/settings").handler(ctx -> look(ctx, "settings"));
    router.post("/api/profile/settings").handler(ctx -> {
      JsonObject form = Requests.jsonBody(ctx);
      if (form != null) {
        UserActions.answer(ctx, actions.ask(Addresses.contacts("set-settings"), ctx, null, form), 200,
          List.of("directMessages"));
      }
    });
  }

  /** 201 for a new request; 200 when it connected the two (the other had asked first) or they already were. */
  private void request(RoutingContext ctx) {
    JsonObject form = Requests.jsonBody(ctx);
    if (form == null) {
      return;
    }
    actions.change(Addresses.contacts("request"), ctx, null, form)
      .onSuccess(state -> Replies.json(ctx, "outgoing".equals(state.getString("state")) ? 201 : 200, state))
      .onFailure(err -> UserActions.refused(ctx, err, USERNAME));
  }

  private void look(RoutingContext ctx, String action) {
    UserActions.answer(ctx, actions.ask(Addresses.contacts(action), ctx, null, new JsonObject()), 200, List.of());
  }

  private void change(RoutingContext ctx, String action, JsonObject args, int status) {
    UserActions.answer(ctx, actions.change(Addresses.contacts(action), ctx, ctx.pathParam("username"), args), status,
      USERNAME);
  }
}
