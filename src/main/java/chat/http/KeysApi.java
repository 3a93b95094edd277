package chat.http;

import chat.bus.Addresses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * End-to-end encryption's server side (README "End-to-end encryption"): the public identity keys people publish
 * and look up, the passphrase-wrapped backup of their private keys (a blob the server cannot open), and switching
 * a private room to encrypted. Needs a login; publishing, backing up and switching count as actions.
 */
final class KeysApi {

  private static final List<String> KEY_FIELDS = List.of("ecdh", "ecdsa");
  private static final List<String> BACKUP_FIELD = List.of("backup");

  private final UserActions actions;

  KeysApi(UserActions actions) {
    this.actions = actions;
  }

  void mount(Router router) {
    router.put("/api/keys").handler(ctx -> {
      JsonObject keys = Requests.jsonBody(ctx);
      if (keys != null) {
        UserActions.answer(ctx, actions.change(Addresses.keys("publish"), ctx, null, keys), 200, KEY_FIELDS);
      }
    });
    // before /api/keys/:username: "backup" is a name nobody may take (RoomId.RESERVED_NAMES)
    router.put("/api/keys/backup").handler(ctx -> {
      JsonObject backup = Requests.jsonBody(ctx);
      if (backup != null) {
        UserActions.answer(ctx, actions.change(Addresses.keys("backup-put"), ctx, null,
          new JsonObject().put("backup", backup)), 204, BACKUP_FIELD);
      }
    });
    router.get("/api/keys/backup").handler(ctx -> UserActions.answer(ctx,
      actions.ask(Addresses.keys("backup-get"), ctx, null, new JsonObject()).map(found -> found.getJsonObject("backup")),
      200, List.of()));
    router.get("/api/keys/:username").handler(ctx -> UserActions.answer(ctx,
      actions.ask(Addresses.keys("current"), ctx, ctx.pathParam("username"), new JsonObject()), 200, List.of()));
    router.get("/api/keys/:username/:fingerprint").handler(ctx -> UserActions.answer(ctx,
      actions.ask(Addresses.keys("identity"), ctx, ctx.pathParam("username"),
        new JsonObject().put("fingerprint", ctx.pathParam("fingerprint"))), 200, List.of("fingerprint")));
    router.post("/api/private-rooms/:room/encryption").handler(ctx -> UserActions.answer(ctx,
      actions.change(Addresses.keys("encrypt"), ctx, ctx.pathParam("room"), new JsonObject()), 200, List.of()));
    router.get("/api/private-rooms/:room/encryption").handler(ctx -> UserActions.answer(ctx,
      actions.ask(Addresses.keys("encryption"), ctx, ctx.pathParam("room"), new JsonObject()), 200, List.of()));
  }
}
