package chat.room;

import chat.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Set;

/**
 * The bots' names, as a room's owner needs them to tell a bot that polls of a private message written to it (see
 * chat.bot.BotUpdates): read at start and every half minute, and a bot made since is added when it is made.
 * Used from one event loop only.
 */
final class KnownBots {

  private static final long REFRESH_MS = 30_000;

  private final Vertx vertx;
  private Set<String> keys = Set.of();

  KnownBots(Vertx vertx) {
    this.vertx = vertx;
    refresh();
    vertx.setPeriodic(REFRESH_MS, id -> refresh());
    vertx.eventBus().<String>consumer(Addresses.BOT_CREATED, made -> {
      Set<String> more = new HashSet<>(keys);
      more.add(made.body());
      keys = more;
    });
  }

  boolean isBot(String userKey) {
    return keys.contains(userKey);
  }

  private void refresh() {
    vertx.eventBus().<JsonObject>request(Addresses.BOT_KEYS, new JsonObject())
      .onSuccess(reply -> {
        Set<String> fresh = new HashSet<>();
        reply.body().getJsonArray("bots").forEach(key -> fresh.add((String) key));
        keys = fresh;
      });
  }
}
