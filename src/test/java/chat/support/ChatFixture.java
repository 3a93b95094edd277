package chat.support;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * One real node for a test class, a client Vert.x, and logged-in users with open bridge sockets that are closed
 * after each test: {@code @RegisterExtension static final ChatFixture chat = new ChatFixture();}
 */
public final class ChatFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

  /** A registered, logged-in user with an open socket. */
  public record ChatUser(String name, Http http, BridgeClient bus) {
    public String password() {
      return Http.passwordOf(name);
    }
  }

  private final JsonObject config;
  private final List<BridgeClient> sockets = new ArrayList<>();
  private TestNode node;
  private Vertx vertx;

  public ChatFixture() {
    this(new JsonObject());
  }

  /** A node with this config merged over the test defaults. */
  public ChatFixture(JsonObject config) {
    this.config = config;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    node = TestNode.start(TestNode.newDataDir(), config);
    vertx = Vertx.vertx();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    sockets.forEach(BridgeClient::close);
    sockets.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    node.close();
    vertx.close().await();
  }

  public int port() {
    return node.port();
  }

  public TestNode node() {
    return node;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** A client without a session. */
  public Http http() {
    return new Http(vertx, node.port());
  }

  /** A new user (the name made unique from base), registered, logged in, with an open socket. */
  public ChatUser user(String base) {
    String name = Names.unique(base);
    Http http = http().signUp(name);
    return new ChatUser(name, http, socket(http));
  }

  /** A socket the test opened itself, to be closed after the test like the fixture's own. */
  public BridgeClient closeAfterTest(BridgeClient socket) {
    sockets.add(socket);
    return socket;
  }

  /** Another socket for a logged-in client; closed after the test. */
  public BridgeClient socket(Http loggedIn) {
    BridgeClient bus = BridgeClient.connect(vertx, node.port(), loggedIn.cookie());
    sockets.add(bus);
    return bus;
  }
}
