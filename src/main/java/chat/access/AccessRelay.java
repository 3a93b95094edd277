package chat.access;

import chat.bus.AccessChange;
import chat.bus.Addresses;
import chat.cluster.ClusterView;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Carries access changes to every node: {@link #announce} asks each live node to hand the change to its own caches
 * and bridges ({@link Addresses#ACCESS_CHANGED}, published node-locally) and waits for their answers, so that when
 * the person who made the change is answered, every node already acts on it (someone invited can listen on any
 * node at once; someone removed stops receiving everywhere). A node that does not answer within
 * {@link #ANSWER_MS} is not waited for: it is going, or its caches reload within {@link SnapshotCache#MAX_AGE_MS}.
 */
public final class AccessRelay extends VerticleBase {

  static final long ANSWER_MS = 1000;

  private final ClusterView cluster;

  public AccessRelay(ClusterView cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.accessChanged(cluster.nodeId()), change -> {
      // local only: its consumers are the node's own, and a clustered publish would ask Hazelcast for others
      vertx.eventBus().publish(Addresses.ACCESS_CHANGED, change.body(), new DeliveryOptions().setLocalOnly(true));
      change.reply(null);
    }).completion();
  }

  /** Completes when every live node has taken the change (or did not answer in time). */
  public static Future<Void> announce(Vertx vertx, ClusterView cluster, AccessChange change) {
    JsonObject body = change.toJson();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(ANSWER_MS);
    List<Future<Object>> answers = cluster.liveNodes().stream()
      .map(node -> vertx.eventBus().request(Addresses.accessChanged(node), body, options)
        .map(reply -> (Object) null).otherwiseEmpty())
      .toList();
    return Future.all(answers).mapEmpty();
  }
}
