package chat.log;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/**
 * {@code %escapedException} in logback.xml: a stack trace on the line of its event, after the message, with its
 * line breaks escaped like the message's. An exception's message can carry what a client sent (a frame a parser
 * quotes), and a trace of many lines would be many events to anything that reads the log a line at a time.
 */
public class EscapedThrowableConverter extends ThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy throwable) {
    return " " + LogEscape.escape(super.throwableProxyToString(throwable).stripTrailing());
  }
}
