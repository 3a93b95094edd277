package chat.cluster;

import chat.config.ChatConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ForkJoinPool;

/**
 * A Hazelcast member from the node's config: bound to one host, a fixed port, TCP-IP join to a list, no multicast.
 * Hazelcast's open-source edition neither encrypts nor authenticates members, so the member network must be
 * private (README: "The cluster plane").
 */
public final class HazelcastSetup {

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastSetup.class);

  private HazelcastSetup() {
  }

  public static HazelcastClusterManager clusterManager(ChatConfig.Cluster cluster) {
    if (ForkJoinPool.getCommonPoolParallelism() < 2) {
      // chat.app.Main sets it; a JVM that started the pool earlier, or embeds the node, has to say so itself
      LOG.warn("Hazelcast will start a thread for every asynchronous call: the JVM's common pool has one thread; "
        + "start it with -Djava.util.concurrent.ForkJoinPool.common.parallelism=2");
    }
    // Vert.x's own map and multimap settings come from its default config; we only change how members meet.
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(cluster.name());
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    // a hung member is dropped after this many seconds without a heartbeat (60 by default)
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // only cluster.host, not every interface (Hazelcast's default): its member traffic is not encrypted
    config.setProperty("hazelcast.socket.bind.any", "false");
    // when this member started, for the others to see how long it has been up (ClusterView.orderingNodes)
    config.getMemberAttributeConfig().setAttribute(ClusterView.STARTED_AT_ATTRIBUTE,
      Long.toString(System.currentTimeMillis()));

    // Expired entries (throttle windows, ended sessions) are removed by a background task that by default looks at a
    // few partitions and a tenth of their entries every 5 s: a flood of made-up keys would linger for many minutes
    // after its windows ended. Every partition, every entry, each round.
    config.setProperty("hazelcast.internal.map.expiration.cleanup.percentage", "100");
    config.setProperty("hazelcast.internal.map.expiration.cleanup.operation.count", "271");
    // throttle counters (HazelcastWindowCounters): entries expire with their window, and however many distinct
    // keys a flood makes up, a member keeps at most this many
    config.addMapConfig(new MapConfig(HazelcastWindowCounters.MAP_PREFIX + "*")
      .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
        .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(SharedCounters.MAX_KEYS)));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false);
    network.setPublicAddress(cluster.host() + ":" + cluster.port());
    network.getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    return new HazelcastClusterManager(config);
  }
}
