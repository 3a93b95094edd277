package chat.cluster;

import chat.bus.Addresses;
import chat.bus.RoomId;
import io.vertx.core.Future;
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
 * first socket opens or last socket closes, cluster-wide.
 */
public class PresenceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);
  static final long NODE_CHECK_MS = 2000;

  private final ClusterView cluster;
  /** Sockets per user on this node, by username as registered. */
  private final Map<String, Integer> localSockets = new HashMap<>();
  /** Nodes holding at least one socket per user, by username key; the same on every node. */
  private final Map<String, Set<String>> nodesByUser = new HashMap<>();
  private final Map<String, String> displayNames = new HashMap<>();
  private Set<String> knownNodes = Set.of();

  public PresenceVerticle(ClusterView cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    knownNodes = Set.copyOf(cluster.liveNodes());
    vertx.setPeriodic(NODE_CHECK_MS, id -> dropDeadNodes());
    return Future.all(
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_LOCAL, this::onLocalSocket).completion(),
        vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_NODE, this::onNodeReport).completion(),
        vertx.eventBus().<JsonObject>localConsumer(Addresses.PRESENCE_QUERY, this::onQuery).completion())
      // a node that joins asks the others for their users
      .onSuccess(v -> vertx.eventBus().publish(Addresses.PRESENCE_NODE,
        new JsonObject().put("node", cluster.nodeId()).put("syncRequest", true)));
  }

  private void onLocalSocket(Message<JsonObject> event) {
    String username = event.body().getString("username");
    int before = localSockets.getOrDefault(username, 0);
    int after = Math.max(0, before + event.body().getInteger("delta"));
    if (after == 0) {
      localSockets.remove(username);
    } else {
      localSockets.put(username, after);
    }
    if (before == 0 && after > 0 || before > 0 && after == 0) {
      vertx.eventBus().publish(Addresses.PRESENCE_NODE, new JsonObject()
        .put("node", cluster.nodeId()).put("username", username).put("online", after > 0));
    }
  }

  private void onNodeReport(Message<JsonObject> report) {
    JsonObject body = report.body();
    String node = body.getString("node");
    if (body.getBoolean("syncRequest", false)) {
      if (!node.equals(cluster.nodeId())) {
        vertx.eventBus().publish(Addresses.PRESENCE_NODE, new JsonObject().put("node", cluster.nodeId())
          .put("users", new JsonArray(List.copyOf(localSockets.keySet()))));
      }
      return;
    }
    if (body.containsKey("users")) {
      body.getJsonArray("users").forEach(name -> mark(node, (String) name, true));
      return;
    }
    String username = body.getString("username");
    boolean wasOnline = isOnline(username);
    mark(node, username, body.getBoolean("online"));
    // the node where the socket changed speaks for the cluster, so browsers hear each change once
    if (node.equals(cluster.nodeId()) && wasOnline != isOnline(username)) {
      announce(username, !wasOnline);
    }
  }

  private void mark(String node, String username, boolean online) {
    String key = RoomId.key(username);
    displayNames.put(key, username);
    if (online) {
      nodesByUser.computeIfAbsent(key, k -> new HashSet<>()).add(node);
    } else {
      Set<String> nodes = nodesByUser.get(key);
      if (nodes != null && nodes.remove(node) && nodes.isEmpty()) {
        nodesByUser.remove(key);
      }
    }
  }

  private boolean isOnline(String username) {
    return nodesByUser.containsKey(RoomId.key(username));
  }

  private void announce(String username, boolean online) {
    vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject().put("username", username).put("online", online));
  }

  /** Who is online, of these names or of everyone (null), by name; at most {@code limit} of them, and how many. */
  private JsonObject onlineAmong(JsonArray among, int limit) {
    java.util.stream.Stream<String> keys = among == null ? nodesByUser.keySet().stream()
      : among.stream().map(name -> RoomId.key((String) name)).distinct().filter(nodesByUser::containsKey);
    List<String> names = keys.map(key -> displayNames.getOrDefault(key, key))
      .sorted(String.CASE_INSENSITIVE_ORDER).toList();
    return new JsonObject().put("online", new JsonArray(names.subList(0, Math.min(limit, names.size()))))
      .put("total", names.size());
  }

  /** A node that died took its sockets with it; the first live node tells the browsers. */
  private void dropDeadNodes() {
    List<String> live = cluster.liveNodes();
    logMembership(live);
    boolean speaker = live.stream().sorted().findFirst().map(cluster.nodeId()::equals).orElse(true);
    List<String> gone = nodesByUser.entrySet().stream()
      .filter(entry -> entry.getValue().removeIf(node -> !live.contains(node)) && entry.getValue().isEmpty())
      .map(Map.Entry::getKey)
      .toList();
    for (String key : gone) {
      nodesByUser.remove(key);
      if (speaker) {
        announce(displayNames.getOrDefault(key, key), false);
      }
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
