package chat.support;

import org.hsqldb.server.Server;
import org.hsqldb.server.ServerConstants;

import java.nio.file.Path;

/** A real HSQLDB server on 127.0.0.1 with its database in a temp folder: the shared store of a test cluster. */
public final class DatabaseServer implements AutoCloseable {

  private final Server server;
  private final int port;

  private DatabaseServer(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  public static DatabaseServer start() {
    Path dir = TestNode.newDataDir();
    int port = Ports.free();
    Server server = new Server();
    server.setAddress("127.0.0.1");
    server.setPort(port);
    server.setDatabaseName(0, "chat");
    server.setDatabasePath(0, "file:" + dir.resolve("chat"));
    server.setSilent(true);
    server.setLogWriter(null);
    server.setErrWriter(null);
    server.setNoSystemExit(true);
    server.start();
    if (server.getState() != ServerConstants.SERVER_STATE_ONLINE) {
      throw new IllegalStateException("HSQLDB server did not start: " + server.getStateDescriptor());
    }
    return new DatabaseServer(server, port);
  }

  public String url() {
    return "jdbc:hsqldb:hsql://127.0.0.1:" + port + "/chat";
  }

  @Override
  public void close() {
    server.shutdownCatalogs(org.hsqldb.Database.CLOSEMODE_NORMAL);
    server.stop();
  }
}
