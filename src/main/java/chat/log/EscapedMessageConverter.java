package chat.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %escapedMessage} in logback.xml: the message as {@code %msg} writes it, its control characters escaped. */
public class EscapedMessageConverter extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return LogEscape.escape(event.getFormattedMessage());
  }
}
