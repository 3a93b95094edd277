package chat.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.util.Arrays;

/**
 * Vert.x 5.0.7 turns a failed write on the clustered event bus (a message or reply to a node whose connection
 * is closing, as during a rolling restart) into an unhandled "Promise already completed" with a stack trace:
 * OutboundConnection completes the message's delivery context with {@code fail}, whose {@code tryFail} always
 * answers false. The write failing is the whole event (the sender's request fails or times out as for any lost
 * message); it becomes one WARN line here, so ERROR stays meaningful.
 *
 * <p>Upstream: the same double completion on the event bus's write path was reported as eclipse-vertx/vert.x#4922
 * and fixed for message producers by eclipse-vertx/vert.x#4935 (tryFail/tryComplete); OutboundConnection in 5.0.7
 * still fails with {@code fail}. This filter can go when a Vert.x release completes that delivery with
 * {@code tryFail}: the rolling-restart tests then log no "Promise already completed" without it.
 */
public class FailedClusterWriteLogFilter extends TurboFilter {

  private static final String CONTEXT = "io.vertx.core.impl.ContextImpl";
  private static final String OUTBOUND = "io.vertx.core.eventbus.impl.clustered.OutboundConnection";
  private static final org.slf4j.Logger CLUSTER = LoggerFactory.getLogger("chat.cluster.FailedWrites");

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || !CONTEXT.equals(logger.getName()) || !isFailedClusterWrite(t)) {
      return FilterReply.NEUTRAL;
    }
    CLUSTER.warn("a clustered event-bus write failed: its connection to the other node was closing");
    return FilterReply.DENY;
  }

  static boolean isFailedClusterWrite(Throwable t) {
    return t instanceof IllegalStateException && "Promise already completed".equals(t.getMessage())
      && Arrays.stream(t.getStackTrace()).anyMatch(frame -> frame.getClassName().equals(OUTBOUND));
  }
}
