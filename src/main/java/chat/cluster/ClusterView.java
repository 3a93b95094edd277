package chat.cluster;

import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's id and the ids of the live nodes (just this one when not clustered). A node that is stopping says so
 * first ({@link #leaving}): from then on it is no longer live to the others, so no room is ordered and no send
 * rate is counted there while it drains, although Hazelcast still lists it until it has gone.
 */
public interface ClusterView {

  /** How long a node counts as leaving without having gone: a stop that failed half-way does not exclude it for ever. */
  long LEAVING_MS = 60_000;

  String nodeId();

  List<String> liveNodes();

  /** Takes this node out of the live ones, here, until it has gone (or {@link #LEAVING_MS} has passed). */
  default void leaving(String nodeId) {
  }

  static ClusterView single() {
    return new ClusterView() {
      public String nodeId() {
        return "single";
      }

      public List<String> liveNodes() {
        return List.of("single");
      }
    };
  }

  static ClusterView of(ClusterManager manager) {
    Map<String, Long> leavingSince = new ConcurrentHashMap<>();
    return new ClusterView() {
      public String nodeId() {
        return manager.getNodeId();
      }

      public List<String> liveNodes() {
        List<String> members = manager.getNodes();
        if (leavingSince.isEmpty()) {
          return members;
        }
        long now = System.currentTimeMillis();
        leavingSince.entrySet().removeIf(node -> !members.contains(node.getKey()) || now - node.getValue() > LEAVING_MS);
        return members.stream().filter(node -> !leavingSince.containsKey(node)).toList();
      }

      public void leaving(String nodeId) {
        leavingSince.put(nodeId, System.currentTimeMillis());
      }
    };
  }
}
