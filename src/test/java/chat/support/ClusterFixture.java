package chat.support;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Real clustered nodes shared by a test class, a client Vert.x, and the sockets a test opened, closed after it:
 * {@code @RegisterExtension static final ClusterFixture nodes = new ClusterFixture(2);}
 */
public final class ClusterFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

  private final int size;
  private final List<BridgeClient> sockets = new ArrayList<>();
  private TestCluster cluster;
  private Vertx vertx;

  public ClusterFixture(int size) {
    this.size = size;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = new TestCluster(size);
    vertx = Vertx.vertx();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    sockets.forEach(BridgeClient::close);
    sockets.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  public TestCluster cluster() {
    return cluster;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A socket the test opened, closed after the test. */
  public BridgeClient closeAfterTest(BridgeClient socket) {
    sockets.add(socket);
    return socket;
  }
}
