package chat.app;

import chat.access.AccessRelay;
import chat.account.AccountVerticle;
import chat.assistant.AssistantVerticle;
import chat.bot.BotVerticle;
import chat.channel.ChannelVerticle;
import chat.contact.ContactVerticle;
import chat.bridge.BridgeLimits;
import chat.bus.Addresses;
import chat.cluster.ClusterView;
import chat.cluster.HazelcastSetup;
import chat.cluster.PresenceVerticle;
import chat.cluster.SharedCounters;
import chat.config.ChatConfig;
import chat.db.Migrations;
import chat.http.HttpVerticle;
import chat.keys.KeysVerticle;
import chat.metrics.ChatMetrics;
import chat.metrics.MetricsVerticle;
import chat.room.RoomVerticle;
import chat.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** One running chat node: its Vert.x instance and its verticles, deployed in dependency order. */
public final class ChatNode {

  private static final Logger LOG = LoggerFactory.getLogger(ChatNode.class);
  private static final int CORES = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final long LEAVING_ANSWER_MS = 1000;
  /** One HTTP verticle per event loop: handshakes, requests and fan-out use every core. */
  private static final int HTTP_INSTANCES = CORES;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final ChatMetrics metrics;
  private final SharedCounters counters;
  private MetricsVerticle metricsEndpoint;
  private final Deque<String> deployments = new ArrayDeque<>();
  private final List<HttpVerticle> http = new CopyOnWriteArrayList<>();

  private ChatNode(Vertx vertx, ClusterView cluster, SharedCounters counters, ChatMetrics metrics) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.counters = counters;
    this.metrics = metrics;
  }

  public static Future<ChatNode> start(ChatConfig config) {
    return createVertx(config).compose(node -> node.deploy(config)
      .map(node)
      .recover(err -> node.close().transform(closed -> Future.failedFuture(err))));
  }

  private static Future<ChatNode> createVertx(ChatConfig config) {
    // One event loop per core, not Vert.x's two: a message hops between the bridge, room and store verticles,
    // and a hop to a verticle on a loop that sleeps costs a wake-up and a context switch on each side.
    // Linux's epoll directly (fewer system calls per wake-up than NIO's selector), NIO elsewhere
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(CORES).setPreferNativeTransport(true);
    VertxBuilder builder = Vertx.builder();
    ChatMetrics metrics = ChatMetrics.none();
    if (config.metrics().enabled()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true));
      builder.withMetrics(new MicrometerMetricsFactory(registry));
      metrics = new ChatMetrics(registry);
    }
    ChatMetrics chatMetrics = metrics;
    if (!config.cluster().enabled()) {
      Vertx single = builder.with(options).build();
      return Future.succeededFuture(new ChatNode(single, ClusterView.single(), SharedCounters.local(single), chatMetrics));
    }
    HazelcastClusterManager manager = HazelcastSetup.clusterManager(config.cluster());
    options.setEventBusOptions(eventBusOptions(config));
    return builder.with(options).withClusterManager(manager).buildClustered()
      .map(vertx -> new ChatNode(vertx, ClusterView.of(manager, config.cluster().warmUpSeconds() * 1000L),
        SharedCounters.clustered(vertx, manager.getHazelcastInstance()), chatMetrics));
  }

  /**
   * The clustered event bus binds the cluster address only; with cluster.tls, every connection between nodes is
   * TLS with a certificate from the cluster's CA on both ends, so a node without one neither sends nor receives.
   * (Host names are not checked: nodes announce addresses, and the CA is the cluster's own.)
   */
  private static EventBusOptions eventBusOptions(ChatConfig config) {
    EventBusOptions options = new EventBusOptions()
      .setHost(config.cluster().host())
      .setClusterPublicHost(config.cluster().host())
      .setPort(config.eventBus().port());
    config.cluster().tls().ifPresent(tls -> options.setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()))
      .setTrustOptions(new PemTrustOptions().addCertPath(tls.caPath()))
      .setClientAuth(ClientAuth.REQUIRED));
    return options;
  }

  private Future<Void> deploy(ChatConfig config) {
    metrics.gauge("chat_sockets", "open bridge sockets on this node",
      () -> http.stream().mapToInt(HttpVerticle::openSockets).sum());
    metrics.gauge("chat_cluster_size", "members of the cluster this node sees", () -> cluster.liveNodes().size());
    BridgeLimits bridgeLimits = new BridgeLimits(config.security());
    vertx.setPeriodic(60_000, id -> bridgeLimits.forgetIdle());
    Future<Void> metricsUp = Future.succeededFuture();
    if (config.metrics().enabled()) {
      metricsEndpoint = new MetricsVerticle(config.metrics(), (PrometheusMeterRegistry) metrics.registry());
      metricsUp = deploy(vertx.deployVerticle(metricsEndpoint));
    }
    // told by a node that is stopping, before any verticle routes to it
    Future<Void> departures = vertx.eventBus().<String>consumer(Addresses.nodeLeaving(cluster.nodeId()), leaving -> {
      cluster.leaving(leaving.body());
      leaving.reply(null);
    }).completion();
    // the schema before any verticle that uses it
    return metricsUp
      .compose(v -> departures)
      .compose(v -> Migrations.migrate(vertx, config.db()))
      .compose(v -> deploy(vertx.deployVerticle(new StoreVerticle(config, metrics))))
      .compose(v -> deploy(vertx.deployVerticle(new AccountVerticle(config))))
      .compose(v -> deploy(vertx.deployVerticle(new BotVerticle(config))))
      .compose(v -> deploy(vertx.deployVerticle(new AccessRelay(cluster))))
      .compose(v -> deploy(vertx.deployVerticle(new ContactVerticle(config, cluster))))
      .compose(v -> deploy(vertx.deployVerticle(new ChannelVerticle(config, cluster))))
      .compose(v -> deploy(vertx.deployVerticle(new KeysVerticle(config, cluster))))
      .compose(v -> deploy(vertx.deployVerticle(new RoomVerticle(config, cluster, metrics))))
      .compose(v -> deploy(vertx.deployVerticle(new PresenceVerticle(cluster, config.presence()))))
      .compose(v -> deploy(vertx.deployVerticle(() -> {
        HttpVerticle instance = new HttpVerticle(config, cluster, counters, bridgeLimits, metrics);
        http.add(instance);
        return instance;
      }, new DeploymentOptions().setInstances(HTTP_INSTANCES))))
      // serving from here (health is UP once HTTP listens), so said now, not after the assistant
      .onSuccess(v -> LOG.info("chat node {} started: http port {}, {}, transport {}", cluster.nodeId(), httpPort(),
        config.cluster().enabled() ? "cluster '" + config.cluster().name() + "' of " + cluster.liveNodes().size()
          : "single node", vertx.isNativeTransportEnabled() ? "epoll" : "NIO"))
      // an outside bot to the chat, so it comes once the HTTP API is up
      .compose(v -> config.bots().assistant() ? deploy(vertx.deployVerticle(new AssistantVerticle(config, httpPort())))
        : Future.succeededFuture());
  }

  /**
   * First of a stop: this node and every other one stop counting it as live, so sends are ordered and counted
   * elsewhere while it closes its sockets and finishes what it took. Without this, the others asked it for a send
   * token or a room's order until Hazelcast saw it gone, and such a send waited out the 3 s peer timeout (W8's
   * worst second at +3 s of a restart, issue 18). A node that does not answer within a second is not waited for.
   */
  private Future<Void> leave() {
    List<String> others = cluster.liveNodes().stream().filter(node -> !node.equals(cluster.nodeId())).toList();
    cluster.leaving(cluster.nodeId());
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(LEAVING_ANSWER_MS);
    List<Future<Object>> told = others.stream().map(node -> vertx.eventBus()
      .request(Addresses.nodeLeaving(node), cluster.nodeId(), quick).map(reply -> (Object) null)).toList();
    return Future.join(told).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Void> deploy(Future<String> deployment) {
    return deployment.onSuccess(deployments::push).mapEmpty();
  }

  /** This node's Vert.x: for a program that embeds the node, and for tests that use its event bus directly. */
  public Vertx vertx() {
    return vertx;
  }

  public String nodeId() {
    return cluster.nodeId();
  }

  public int clusterSize() {
    return cluster.liveNodes().size();
  }

  /** The nodes that order rooms and count send rates now: the live ones past their warm-up (ClusterView). */
  public List<String> orderingNodes() {
    return cluster.orderingNodes();
  }

  /** The metrics listener's port; only when metrics are enabled. */
  public int metricsPort() {
    return metricsEndpoint.port();
  }

  public int httpPort() {
    return http.get(0).port();
  }

  /**
   * Tells the other nodes it is going, then undeploys in reverse order (the store last, so its SHUTDOWN comes after
   * every other user of the database).
   */
  public Future<Void> close() {
    Future<Void> chain = leave();
    while (!deployments.isEmpty()) {
      String id = deployments.pop();
      chain = chain.compose(v -> vertx.undeploy(id).recover(err -> Future.succeededFuture()));
    }
    return chain.eventually(vertx::close);
  }
}
