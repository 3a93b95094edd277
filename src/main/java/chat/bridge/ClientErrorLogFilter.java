package chat.bridge;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * The stock SockJS bridge logs at ERROR, with a stack trace, whatever a client does wrong on its socket (an
 * oversized frame, an unknown frame type, a dropped connection). Those are the client's errors, not the server's:
 * they become one WARN line here, so ERROR stays meaningful and nothing a client sends prints a stack trace.
 */
public class ClientErrorLogFilter extends TurboFilter {

  private static final org.slf4j.Logger CLIENT_ERRORS = LoggerFactory.getLogger("chat.bridge.ClientErrors");

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || !VertxInternals.STOCK_BRIDGE_LOGGER.equals(logger.getName()) || format == null) {
      return FilterReply.NEUTRAL;
    }
    if (format.startsWith("SockJSSocket exception") || format.startsWith("Invalid type in incoming message")
      || format.startsWith("Will not send message, reply address")) {
      CLIENT_ERRORS.warn("bridge client error: {}{}", format, t == null ? "" : " (" + t + ")");
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
