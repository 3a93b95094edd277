package chat.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.joran.spi.JoranException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever a client gets into a log event, the node's logging configuration writes the event as one line. */
class LogForgingTest {

  /** What a client might send as a frame type, hoping the log shows a second event of its own making. */
  private static final String FORGED =
    "x\r\n12:00:00.000 INFO  [main] chat.app.Main - forged\n\u001B[2K\u0085\u2028\u202Eevil";

  private final List<LoggerContext> contexts = new ArrayList<>();

  @AfterEach
  void stop() {
    contexts.forEach(LoggerContext::stop);
  }

  @Test
  void controlCharactersBecomeVisibleEscapesAndAllElseStaysAsWritten() {
    assertEquals("a\\r\\nb\\u000Bc\\u0000\\u001B[31m\\u007F\\u0085\\u2028\\u2029\\u202E\\u2066",
      LogEscape.escape("a\r\nb\u000Bc\u0000\u001B[31m\u007F\u0085\u2028\u2029\u202E\u2066"));
    String plain = "ordinary text, ünïcödé, 😀, a \\ backslash, \"quotes\" and a\ttab";
    assertEquals(plain, LogEscape.escape(plain));
  }

  @Test
  void theTextFormatKeepsAForgedLineOnTheLineOfItsEvent() throws JoranException {
    String line = encode("text", event("bridge client error: Invalid type in incoming message: {}", FORGED, null));

    assertEquals(1, line.lines().count(), line);
    assertTrue(line.endsWith(System.lineSeparator()));
    assertTrue(line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  \\[test\\] \\S+ - bridge client error: "
      + "Invalid type in incoming message: x\\\\r\\\\n12:00:00\\.000 INFO  \\[main\\] chat\\.app\\.Main - forged\\\\n"
      + "\\\\u001B\\[2K\\\\u0085\\\\u2028\\\\u202Eevil\\R"), line);
  }

  @Test
  void theTextFormatWritesAStackTraceOnTheLineOfItsEvent() throws JoranException {
    IllegalStateException thrown = new IllegalStateException("a parser quoting the client: " + FORGED);
    String line = encode("text", event("request failed", null, thrown));

    assertEquals(1, line.lines().count(), line);
    assertTrue(line.contains(" - request failed java.lang.IllegalStateException: a parser quoting the client: "
      + "x\\r\\n12:00:00.000 INFO  [main] chat.app.Main - forged\\n\\u001B[2K"), line);
    assertTrue(line.contains("\\n\tat chat.log.LogForgingTest."), "the frames follow, line breaks escaped: " + line);
  }

  @Test
  void theJsonFormatWritesEachEventAsOneObjectOnOneLine() throws JoranException {
    IllegalStateException thrown = new IllegalStateException("a parser quoting the client: " + FORGED);
    String line = encode("json", event("bridge client error: Invalid type in incoming message: {}", FORGED, thrown));

    assertEquals(1, line.lines().count(), line);
    for (char raw : new char[] {'\r', '\u001B', '\u0085', '\u2028', '\u202E'}) {
      assertFalse(line.indexOf(raw) >= 0, "no raw U+" + Integer.toHexString(raw) + " in " + line);
    }
    JsonObject event = new JsonObject(line);
    assertEquals("bridge client error: Invalid type in incoming message: " + FORGED,
      event.getString("formattedMessage"), "a JSON reader gets the text back as it was");
    assertEquals("a parser quoting the client: " + FORGED, event.getJsonObject("throwable").getString("message"));
  }

  /** One event as the appender of this format in the node's logback.xml writes it. */
  private String encode(String format, ILoggingEvent event) throws JoranException {
    LoggerContext context = new LoggerContext();
    contexts.add(context);
    context.setMDCAdapter(new LogbackMDCAdapter());
    context.putProperty("CHAT_LOG_FORMAT", format);
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    // the root logger writes through the async appender, which holds the format's own
    ch.qos.logback.classic.AsyncAppender async = (ch.qos.logback.classic.AsyncAppender)
      context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("async");
    OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) async.getAppender(format);
    return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
  }

  private LoggingEvent event(String format, String argument, Throwable thrown) {
    LoggerContext context = new LoggerContext();
    contexts.add(context);
    context.setMDCAdapter(new LogbackMDCAdapter());
    LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("chat.bridge.ClientErrors"),
      Level.WARN, format, thrown, argument == null ? null : new Object[] {argument});
    event.setThreadName("test");
    return event;
  }
}
