package chat.metrics;

import chat.config.ChatConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /metrics} in Prometheus text format, on its own listener so it need not face the public. */
public class MetricsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsVerticle.class);

  private final ChatConfig.Metrics config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public MetricsVerticle(ChatConfig.Metrics config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return vertx.createHttpServer().requestHandler(router).listen(config.port(), config.host())
      .onSuccess(listening -> {
        server = listening;
        LOG.info("metrics on http://{}:{}/metrics", config.host(), listening.actualPort());
      });
  }

  public int port() {
    return server.actualPort();
  }
}
