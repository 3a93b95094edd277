package chat.cluster;

import chat.bus.Addresses;
import chat.bus.RoomId;
import chat.config.ChatConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is online anywhere in the cluster. Each node counts its own sockets per user and tells the others
 * when a user appears or disappears on it; every node keeps the same picture of which nodes hold which users,
 * and drops a node's users when the node leaves the cluster. Browsers hear {@code chat.presence} when a user's
 * first socket opens, cluster-wide, and when their last one closed and none opened again within
 * {@code presence.offlineGraceSeconds}.
 *
 * <p>The grace is what keeps reconnects quiet. Every page registers {@code chat.presence}, so each user who went
 * offline and came back at once would cost one frame per open page twice over: a burst of 500 reconnects among
 * 2,000 pages, after a node's restart or a network blip, would be 2,000,000 frames in a second, 100 times a busy
 * room's traffic (BENCHMARKS.md, W8). Within the grace this node keeps telling the cluster the user is here.
 * The users of a node that left the cluster (a restart, a crash) get the same grace on every node, and count as
 * online meanwhile: their pages reconnect to another node, and whoever is back within it was never announced gone,
 * nor back. Bots get no grace: a command for a bot that is gone must be answered "offline" at once, not reach
 * nobody.
 */
public class PresenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  static final long NODE_CHECK_MS = 2000;
  /** How often a starting node asks again the nodes that have not told it their users, and for how long at most. */
  static final long SYNC_RETRY_MS = 500;
  static final long SYNC_MAX_MS = 3000;

  private final ClusterView cluster;
  private final long offlineGraceMs;
  /** Sockets per user on this node, by username as registered. */
  private final Map<String, Integer> localSockets = new HashMap<>();
  /** Users whose last socket here closed within the grace, with the timer that will report them gone. */
  private final Map<String, Long> leaving = new HashMap<>();
  /**
   * Users whose node left the cluster within the grace, by username key: the timer that announces them gone, and
   * when. A node that joins is told them too, or it would announce as new each one who comes back to it.
   */
  private final Map<String, Held> heldBack = new HashMap<>();
  /** The username keys of the bots ever reported online, which get no grace. */
  private final Set<String> bots = new HashSet<>();
  /** Nodes holding at least one socket per user, by username key; the same on every node. */
  private final Map<String, Set<String>> nodesByUser = new HashMap<>();
  private final Map<String, String> displayNames = new HashMap<>();
  private Set<String> knownNodes = Set.of();
  /** The nodes a starting node still waits to hear its users from. */
  private final Set<String> unsynced = new HashSet<>();
  private final Promise<Void> synced = Promise.promise();

  private record Held(long timer, long untilMs) {
  }

  public PresenceVerticle(ClusterView cluster, ChatConfig.Presence config) {
    this.cluster = cluster;
    this.offlineGraceMs = config.offlineGraceSeconds() * 1000L;
  }

  @Override
  public Future<?> start() {
    knownNodes = Set.copyOf(cluster.liveNodes());
    vertx.setPeriodic(NODE_CHECK_MS, id -> dropDeadNodes());
    return Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_LOCAL, this::onLocalSocket).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_NODE, this::onNodeReport).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_QUERY, this::onQuery).completion())
      .compose(v -> syncWithTheOthers());
  }

  /**
   * A node that joins asks the others for their users, and for those they hold back, before it serves: a page
   * that reconnected to it sooner would be announced as new, though it never left. Asked again every
   * {@link #SYNC_RETRY_MS} (a node that has only just seen this one's subscription may not reach it yet), for
   * {@link #SYNC_MAX_MS} at most: a node that does not answer is still starting, and will say who it has.
   */
  private Future<Void> syncWithTheOthers() {
    cluster.liveNodes().stream().filter(node -> !node.equals(cluster.nodeId())).forEach(unsynced::add);
    if (unsynced.isEmpty()) {
      return Future.succeededFuture();
    }
    long started = System.nanoTime();
    askForUsers();
    vertx.setPeriodic(SYNC_RETRY_MS, id -> {
      if (synced.future().isComplete()) {
        vertx.cancelTimer(id);
      } else if (System.nanoTime() - started >= SYNC_MAX_MS * 1_000_000) {
        LOG.warn("presence: no list of users from {} within {} ms; serving without it", unsynced, SYNC_MAX_MS);
        vertx.cancelTimer(id);
        synced.tryComplete();
      } else {
        askForUsers();
      }
    });
    return synced.future();
  }

  private void askForUsers() {
    vertx.eventBus().publish(Addresses.PRESENCE_NODE,
      new JsonObject().put("node", cluster.nodeId()).put("syncRequest", true));
  }

  private void onLocalSocket(Message<JsonObject> event) {
    String username = event.body().getString("username");
    boolean bot = event.body().getBoolean("bot", false);
    int before = localSockets.getOrDefault(username, 0);
    int after = Math.max(0, before + event.body().getInteger("delta"));
    if (after == 0) {
      localSockets.remove(username);
    } else {
      localSockets.put(username, after);
    }
    if (before == 0 && after > 0) {
      Long goneTimer = leaving.remove(username);
      if (goneTimer == null) {
        report(username, true, bot);
      } else {
        // back within the grace: the cluster was never told they left
        vertx.cancelTimer(goneTimer);
      }
    } else if (before > 0 && after == 0) {
      if (offlineGraceMs == 0 || bot) {
        report(username, false, bot);
      } else {
        leaving.put(username, vertx.setTimer(offlineGraceMs, id -> {
          leaving.remove(username);
          report(username, false, false);
        }));
      }
    }
  }

  private void report(String username, boolean online, boolean bot) {
    vertx.eventBus().publish(Addresses.PRESENCE_NODE, new JsonObject()
      .put("node", cluster.nodeId()).put("username", username).put("online", online).put("bot", bot));
  }

  private void onNodeReport(Message<JsonObject> report) {
    JsonObject body = report.body();
    String node = body.getString("node");
    if (body.getBoolean("syncRequest", false)) {
      if (!node.equals(cluster.nodeId())) {
        // those within their grace are still here, as far as the cluster knows
        Set<String> here = new HashSet<>(localSockets.keySet());
        here.addAll(leaving.keySet());
        List<String> botsHere = here.stream().filter(name -> bots.contains(RoomId.key(name))).toList();
        long now = System.currentTimeMillis();
        JsonObject held = new JsonObject();
        heldBack.forEach((key, h) -> held.put(displayNames.getOrDefault(key, key), Math.max(0, h.untilMs() - now)));
        vertx.eventBus().publish(Addresses.PRESENCE_NODE, new JsonObject().put("node", cluster.nodeId())
          .put("users", new JsonArray(List.copyOf(here))).put("bots", new JsonArray(botsHere)).put("held", held));
      }
      return;
    }
    if (body.containsKey("users")) {
      if (unsynced.remove(node) && unsynced.isEmpty()) {
        synced.tryComplete();
      }
      body.getJsonArray("bots", new JsonArray()).forEach(name -> bots.add(RoomId.key((String) name)));
      body.getJsonArray("users").forEach(name -> mark(node, (String) name, true));
      body.getJsonObject("held", new JsonObject()).forEach(entry -> {
        String key = RoomId.key(entry.getKey());
        if (!isOnlineKey(key)) {
          displayNames.put(key, entry.getKey());
          holdBack(key, ((Number) entry.getValue()).longValue());
        }
      });
      return;
    }
    String username = body.getString("username");
    if (body.getBoolean("bot", false)) {
      bots.add(RoomId.key(username));
    }
    boolean wasOnline = isOnline(username);
    mark(node, username, body.getBoolean("online"));
    if (wasOnline != isOnline(username) && speaks()) {
      announce(username, !wasOnline);
    }
  }

  private void mark(String node, String username, boolean online) {
    String key = RoomId.key(username);
    displayNames.put(key, username);
    if (online) {
      Held held = heldBack.remove(key);
      if (held != null) {
        vertx.cancelTimer(held.timer());
      }
      nodesByUser.computeIfAbsent(key, k -> new HashSet<>()).add(node);
    } else {
      Set<String> nodes = nodesByUser.get(key);
      if (nodes != null && nodes.remove(node) && nodes.isEmpty()) {
        nodesByUser.remove(key);
      }
    }
  }

  private boolean isOnline(String username) {
    return isOnlineKey(RoomId.key(username));
  }

  private boolean isOnlineKey(String key) {
    return nodesByUser.containsKey(key) || heldBack.containsKey(key);
  }

  /**
   * One node tells the browsers of every change, as its own picture changes, so they hear each change once. Not the
   * node where the socket changed: a user who left two nodes at once (the end of their grace on one, their last
   * socket on the other) was then announced by neither, as each node heard its own report before the other's and
   * found the user still on the other node (PresenceGraceTest in CI). The eldest node, since a node that joins
   * knows nobody until the others have told it their users.
   */
  private boolean speaks() {
    return cluster.nodeId().equals(cluster.eldest());
  }

  private void announce(String username, boolean online) {
    vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject().put("username", username).put("online", online));
  }

  /** Who is online, of these names or of everyone (null), by name; at most {@code limit} of them, and how many. */
  private JsonObject onlineAmong(JsonArray among, int limit) {
    java.util.stream.Stream<String> keys = among == null
      ? java.util.stream.Stream.concat(nodesByUser.keySet().stream(), heldBack.keySet().stream())
      : among.stream().map(name -> RoomId.key((String) name)).distinct().filter(this::isOnlineKey);
    List<String> names = keys.map(key -> displayNames.getOrDefault(key, key))
      .sorted(String.CASE_INSENSITIVE_ORDER).toList();
    return new JsonObject().put("online", new JsonArray(names.subList(0, Math.min(limit, names.size()))))
      .put("total", names.size());
  }

  /**
   * A node that left took its sockets with it; the speaking node tells the browsers about those users who are
   * not back on another node within the grace.
   */
  private void dropDeadNodes() {
    List<String> live = cluster.liveNodes();
    logMembership(live);
    List<String> gone = nodesByUser.entrySet().stream()
      .filter(entry -> entry.getValue().removeIf(node -> !live.contains(node)) && entry.getValue().isEmpty())
      .map(Map.Entry::getKey)
      .toList();
    for (String key : gone) {
      nodesByUser.remove(key);
      if (offlineGraceMs == 0 || bots.contains(key)) {
        announceGone(key);
      } else {
        holdBack(key, offlineGraceMs);
      }
    }
  }

  private void holdBack(String key, long forMs) {
    long timer = vertx.setTimer(Math.max(1, forMs), id -> {
      heldBack.remove(key);
      if (!nodesByUser.containsKey(key)) {
        announceGone(key);
      }
    });
    Held before = heldBack.put(key, new Held(timer, System.currentTimeMillis() + forMs));
    if (before != null) {
      vertx.cancelTimer(before.timer());
    }
  }

  private void announceGone(String key) {
    if (speaks()) {
      announce(displayNames.getOrDefault(key, key), false);
    }
  }

  /** One line per member that came or went, instead of Hazelcast's multi-line member tables. */
  private void logMembership(List<String> live) {
    Set<String> now = Set.copyOf(live);
    if (!knownNodes.isEmpty()) {
      now.stream().filter(node -> !knownNodes.contains(node))
        .forEach(node -> LOG.info("cluster member joined: {} (cluster size {})", node, now.size()));
      knownNodes.stream().filter(node -> !now.contains(node))
        .forEach(node -> LOG.info("cluster member left: {} (cluster size {})", node, now.size()));
    }
    knownNodes = now;
  }

  private void onQuery(Message<JsonObject> query) {
    if (!query.body().containsKey("users")) {
      query.reply(onlineAmong(query.body().getJsonArray("among"), query.body().getInteger("limit", 100)));
      return;
    }
    JsonArray users = new JsonArray();
    query.body().getJsonArray("users").forEach(name -> users.add(new JsonObject()
      .put("username", name).put("online", isOnline((String) name))));
    query.reply(new JsonObject().put("users", users));
  }
}
