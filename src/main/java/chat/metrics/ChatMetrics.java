package chat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The chat's own meters (Vert.x and the JVM report theirs through the same registry). Without metrics enabled
 * the registry is an empty composite, where every meter is a no-op.
 */
public final class ChatMetrics {

  private final MeterRegistry registry;
  private final Counter accepted;
  private final Counter deliveries;
  private final Counter loginSuccesses;
  private final Counter loginFailures;
  private final Timer storeLatency;

  public ChatMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.accepted = Counter.builder("chat_messages_accepted").description("messages stored and published")
      .register(registry);
    this.deliveries = Counter.builder("chat_deliveries").description("message frames written to sockets")
      .register(registry);
    this.loginSuccesses = Counter.builder("chat_logins").tag("result", "success").register(registry);
    this.loginFailures = Counter.builder("chat_logins").tag("result", "failure").register(registry);
    this.storeLatency = Timer.builder("chat_store_latency").description("time to store a message (commit included)")
      .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(5))
      .register(registry);
  }

  public static ChatMetrics none() {
    return new ChatMetrics(new CompositeMeterRegistry());
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void accepted() {
    accepted.increment();
  }

  /** A refused send, by reason: the failure code (400, 403, 429, 503…). */
  public void refused(int code) {
    Counter.builder("chat_messages_refused").tag("code", String.valueOf(code)).register(registry).increment();
  }

  public void delivered(int frames) {
    deliveries.increment(frames);
  }

  public void login(boolean success) {
    (success ? loginSuccesses : loginFailures).increment();
  }

  public void storeLatency(long nanos) {
    storeLatency.record(Duration.ofNanos(nanos));
  }

  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }
}
