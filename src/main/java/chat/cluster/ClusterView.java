package chat.cluster;

import io.vertx.core.spi.cluster.ClusterManager;

import java.util.List;

/** This node's id and the ids of the live nodes (just this one when not clustered). */
public interface ClusterView {

  String nodeId();

  List<String> liveNodes();

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
    return new ClusterView() {
      public String nodeId() {
        return manager.getNodeId();
      }

      public List<String> liveNodes() {
        return manager.getNodes();
      }
    };
  }
}
