package chat.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailedClusterWriteLogFilterTest {

  private final LoggerContext logging = new LoggerContext();
  private final FailedClusterWriteLogFilter filter = new FailedClusterWriteLogFilter();

  @Test
  void vertxsDoubleCompletionAfterAFailedClusterWriteIsNoError() {
    assertEquals(FilterReply.DENY, decide("io.vertx.core.impl.ContextImpl", Level.ERROR,
      thrownAt("Promise already completed", "io.vertx.core.eventbus.impl.clustered.OutboundConnection")));
  }

  @Test
  void everyOtherErrorStaysAnError() {
    // the same words from anywhere else, another exception from the cluster connection, another logger
    assertEquals(FilterReply.NEUTRAL, decide("io.vertx.core.impl.ContextImpl", Level.ERROR,
      thrownAt("Promise already completed", "chat.room.RoomVerticle")));
    assertEquals(FilterReply.NEUTRAL, decide("io.vertx.core.impl.ContextImpl", Level.ERROR,
      thrownAt("something else", "io.vertx.core.eventbus.impl.clustered.OutboundConnection")));
    assertEquals(FilterReply.NEUTRAL, decide("chat.room.RoomVerticle", Level.ERROR,
      thrownAt("Promise already completed", "io.vertx.core.eventbus.impl.clustered.OutboundConnection")));
    assertEquals(FilterReply.NEUTRAL, decide("io.vertx.core.impl.ContextImpl", Level.ERROR, null));
  }

  @Test
  void theNodesLoggingConfigurationUsesIt() {
    LoggerContext configured = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertTrue(configured.getTurboFilterList().stream().anyMatch(f -> f instanceof FailedClusterWriteLogFilter));
  }

  private FilterReply decide(String logger, Level level, Throwable t) {
    return filter.decide(null, logging.getLogger(logger), level, "Unhandled exception", null, t);
  }

  private static IllegalStateException thrownAt(String message, String className) {
    IllegalStateException e = new IllegalStateException(message);
    e.setStackTrace(new StackTraceElement[] {
      new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 104),
      new StackTraceElement(className, "writeMessage", "Somewhere.java", 86)});
    return e;
  }
}
