package chat.app;

import chat.config.ChatConfig;
import chat.config.ConfigException;
import chat.db.Migrations;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code java -jar chat.jar [-conf conf/config.json]}: starts one node and stops it cleanly on SIGTERM. */
public final class Main {

  static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  static {
    // Hazelcast completes its asynchronous calls (the clustered session store, the event bus's subscription
    // look-ups) on the JDK's common pool, but starts a new thread for every call when that pool has a single
    // thread, as it does on 2 cores. Set before anything starts the pool: here, ahead of the logger below,
    // because logback's start-up (its async appender) already touches the pool. An operator's own setting wins.
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= 2) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  private static final long STOP_WAIT_S = 30;

  private Main() {
  }

  public static void main(String[] args) {
    ChatConfig config;
    try {
      config = ChatConfig.load(configFile(args), System.getenv());
    } catch (ConfigException e) {
      System.err.println("chat: " + e.getMessage());
      System.exit(2);
      return;
    }
    Future<ChatNode> starting = ChatNode.start(config);
    // from the first moment: a SIGTERM while the node still starts (its assistant comes after HTTP is up, so
    // "serving" is not "started") waits for the start to end and then closes, rather than the JVM exiting past
    // half-started parts
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(starting), "chat-shutdown"));
    try {
      starting.await(2, TimeUnit.MINUTES);
    } catch (Migrations.SchemaTooNew | Migrations.SchemaTooOld e) {
      // like a config error: starting again will not help, another build (or database) will
      LOG.error("chat node refused to start: {}", e.getMessage());
      stopLogging();
      System.exit(2);
    } catch (Exception e) {
      LOG.error("chat node failed to start: {}", e.toString());
      stopLogging();
      System.exit(1);
    }
  }

  /** The shutdown hook's work: a node that did not start has nothing to close (it closed what it had started). */
  private static void stop(Future<ChatNode> starting) {
    ChatNode node;
    try {
      node = starting.await(STOP_WAIT_S, TimeUnit.SECONDS);
    } catch (Exception notStarted) {
      stopLogging();
      return;
    }
    try {
      node.close().await(STOP_WAIT_S, TimeUnit.SECONDS);
      LOG.info("chat node stopped");
    } catch (Exception e) {
      LOG.warn("chat node did not stop cleanly: {}", e.toString());
    }
    stopLogging();
  }

  /** Writes out the log events still queued for the console (logback.xml's async appender), then stops logging. */
  private static void stopLogging() {
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logging) {
      logging.stop();
    }
  }

  static Path configFile(String[] args) {
    if (args.length == 0) {
      return ChatConfig.DEFAULT_FILE;
    }
    if (args.length == 2 && args[0].equals("-conf")) {
      return Path.of(args[1]);
    }
    throw new ConfigException("usage: java -jar chat.jar [-conf <config.json>]");
  }
}
