package chat.http;

import chat.metrics.ChatMetrics;
import chat.bridge.BridgeLimits;
import chat.bridge.ChatBridge;
import chat.bridge.SessionLookup;
import chat.bus.Addresses;
import chat.cluster.ClusterView;
import chat.cluster.SharedCounters;
import chat.config.ChatConfig;
import chat.file.SharedFiles;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.ClusteredSessionStore;
import io.vertx.ext.web.sstore.LocalSessionStore;
import io.vertx.ext.web.sstore.SessionStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The web front of a node: the page, the JSON API, sessions, and the event-bus bridge on the same sessions. */
public class HttpVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  static final int MAX_BODY_BYTES = 16 * 1024;
  public static final String SESSION_COOKIE = "chat.session";
  private static final String SECRETS_MAP = "chat.secrets";
  private static final String SESSION_SECRET = "session-cookie";

  private final ChatConfig config;
  private final ClusterView cluster;
  private final SharedCounters counters;
  private final BridgeLimits bridgeLimits;
  private final ChatMetrics metrics;
  private HttpServer server;
  private ChatBridge bridge;
  // made at start, for the API and the bridge alike
  private SessionStore sessionStore;
  private SessionHandler sessions;
  private SessionGuard guard;
  private BearerAuth bearer;
  private SharedFiles sharedFiles;

  public HttpVerticle(ChatConfig config, ClusterView cluster, SharedCounters counters, BridgeLimits bridgeLimits,
                      ChatMetrics metrics) {
    this.config = config;
    this.bridgeLimits = bridgeLimits;
    this.cluster = cluster;
    this.counters = counters;
    this.metrics = metrics;
  }

  /** Serves once the session cookies' signing key is known and this node has its copy of the ended sessions. */
  @Override
  public Future<?> start() {
    sessionStore = sessionStore();
    sessions = sessionHandler(sessionStore);
    guard = new SessionGuard(vertx, cluster, sessionTimeoutMs());
    sharedFiles = new SharedFiles(vertx, config, "files");
    Router router = router();
    return signSessionCookies()
      .compose(v -> guard.start())
      .compose(v -> listen(router));
  }

  /** Every route, in the order a request passes them. */
  private Router router() {
    Router router = Router.router(vertx);
    router.route().handler(new ProxyHeaders(config.http()));
    router.route().handler(new SecurityHeaders());
    router.get("/health").handler(this::health);
    mountApi(router);
    mountBridge(router);
    router.route().handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    router.route().failureHandler(HttpVerticle::onFailure);
    return router;
  }

  /**
   * The JSON API, one class per resource, each mounting its own routes. Register and login are the only calls
   * without a login: they come before the login wall, every other /api path after it.
   */
  private void mountApi(Router router) {
    Throttles throttles = new Throttles(vertx, counters, config.security(), config.bots());
    bearer = new BearerAuth(vertx, throttles);
    mountSessions(router, "/api/*");
    // an upload streams its own body, so it comes before the body handler (which would buffer it)
    FilesApi files = new FilesApi(vertx, config, sharedFiles);
    files.mountUpload(router, this::requireUser);
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    // what a bot may not do with its token, a person may: log in, its account, its own bots
    router.route("/api/*").handler(BotsApi::peopleOnly);
    AuthApi auth = new AuthApi(vertx, sessions, guard, throttles, metrics);
    auth.mountOpen(router);
    router.route("/api/*").handler(this::requireUser);
    auth.mount(router);
    UserActions actions = new UserActions(vertx, counters, config.channels().actionsPerMinute());
    new BotsApi(vertx, actions).mount(router);
    new RoomsApi(vertx, config.rooms()).mount(router);
    new ChannelsApi(actions, config.rooms()).mount(router);
    new ContactsApi(actions).mount(router);
    new KeysApi(actions).mount(router);
    files.mount(router);
    new UsersApi(vertx).mount(router);
    new ProfileApi(vertx, sessions, guard, throttles).mount(router);
    router.route("/api/*").handler(ctx -> Replies.error(ctx, 404, "no such endpoint"));
    // downloads: the session's user may read the file's room
    mountSessions(router, "/files/*");
    router.route("/files/*").handler(this::requireUser);
    files.mountDownloads(router);
  }

  /** The SockJS event-bus bridge, for logged-in sessions only. */
  private void mountBridge(Router router) {
    mountSessions(router, "/eventbus/*");
    router.route("/eventbus/*").handler(this::requireUser);
    bridge = new ChatBridge(vertx, config, metrics, bridgeLimits, request -> ProxyHeaders.of(request).address(),
      new SessionLookup() {
        public boolean ended(String sessionId) {
          return guard.isEnded(sessionId);
        }

        public Future<Long> deadline(String sessionId) {
          return sessionStore.get(sessionId).map(session -> session == null || session.isDestroyed() ? null
            : session.lastAccessed() + session.timeout());
        }
      });
    router.route("/eventbus/*").subRouter(bridge.router());
  }

  /**
   * In front of the API and the bridge alike: a cross-site request refused, then the session of the cookie, then
   * its user dropped if a logout or a password change on any node ended it.
   */
  private void mountSessions(Router router, String path) {
    router.route(path).handler(new OriginCheck(config.http().publicOrigin()));
    // a bot's token instead of a session: such a request makes no session and gets no cookie
    router.route(path).handler(bearer);
    router.route(path).handler(ctx -> {
      if (BearerAuth.isBot(ctx)) {
        ctx.next();
      } else {
        sessions.handle(ctx);
      }
    });
    router.route(path).handler(guard);
  }

  private Future<HttpServer> listen(Router router) {
    HttpServerOptions serverOptions = new HttpServerOptions()
      // Every response is written from this verticle's event loop (Vert.x calls back on it), so each connection
      // can write straight to its channel instead of through a queue for other threads: that queue costs 4.7 KB
      // per connection, and an idle socket keeps the connection of its upgrade request.
      .setStrictThreadMode(true)
      .setMaxWebSocketFrameSize(ChatBridge.MAX_FRAME_BYTES)
      .setMaxWebSocketMessageSize(ChatBridge.MAX_FRAME_BYTES);
    config.http().tls().ifPresent(tls -> serverOptions.setSsl(true)
      .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath())));
    // port 0 asks for a free port; -1 asks for one free port shared by every instance of this verticle
    int port = config.http().port() == 0 ? -1 : config.http().port();
    return vertx.createHttpServer(serverOptions).requestHandler(router).listen(port, config.http().host())
      .onSuccess(listening -> {
        server = listening;
        LOG.info("HTTP{} listening on {}:{}", config.http().tls().isPresent() ? "S" : "", config.http().host(),
          listening.actualPort());
      });
  }

  /**
   * No retry for a session that is not in the store: Vert.x's default polls the store every 5 ms for 5 s in case
   * a session written on another node is not there yet, which made every request with an ended or made-up
   * session id cost a thousand cluster reads and answer after 5 s. Hazelcast's map answers a read after a
   * write at once, and a login stores its session before it answers (AuthApi).
   */
  private SessionStore sessionStore() {
    return vertx.isClustered() ? ClusteredSessionStore.create(vertx, 0) : LocalSessionStore.create(vertx);
  }

  private SessionHandler sessionHandler(SessionStore store) {
    return SessionHandler.create(store)
      .setSessionCookieName(SESSION_COOKIE)
      .setCookieHttpOnlyFlag(true)
      .setCookieSameSite(CookieSameSite.STRICT)
      .setCookieSecureFlag(config.http().secureCookie())
      .setSessionTimeout(sessionTimeoutMs())
      .setLazySession(true);
  }

  private long sessionTimeoutMs() {
    return config.security().sessionTimeoutMinutes() * 60_000L;
  }

  /**
   * The cookie carries the session id with an HMAC of it: a made-up id is refused without asking the store, a
   * cluster round trip for every request an attacker makes up.
   */
  private Future<Void> signSessionCookies() {
    return sessionSecret().onSuccess(sessions::setSigningSecret).mapEmpty();
  }

  /**
   * The key session cookies are signed with: made once per cluster (the first node to start puts it in a cluster
   * map, the others take that one), or per node when it runs alone; it lives as long as the sessions it signs.
   */
  private Future<String> sessionSecret() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String mine = Base64.getEncoder().encodeToString(random);
    return vertx.sharedData().<String, String>getAsyncMap(SECRETS_MAP)
      .compose(secrets -> secrets.putIfAbsent(SESSION_SECRET, mine))
      .map(existing -> existing == null ? mine : existing);
  }

  /** Draining: no new connections, every open socket told to reconnect elsewhere, requests in flight finish. */
  @Override
  public Future<?> stop() {
    return bridge.closeAll()
      .compose(closed -> server.shutdown(5, TimeUnit.SECONDS))
      .eventually(() -> sharedFiles.close());
  }

  public int openSockets() {
    return bridge == null ? 0 : bridge.openSockets();
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * UP when this node can reach its database and sees itself in the cluster; 503 naming the failing part. The node
   * id is for the operator's tools (loopback, or a trusted proxy), not for anyone on the internet.
   */
  private void health(RoutingContext ctx) {
    boolean clusterUp = cluster.liveNodes().contains(cluster.nodeId());
    // warming up: a node that joined a running cluster less than cluster.warmUpSeconds ago, which orders no room yet
    JsonObject status = new JsonObject().put("clusterSize", cluster.liveNodes().size())
      .put("cluster", clusterUp ? "UP" : "DOWN")
      .put("warmingUp", clusterUp && !cluster.orderingNodes().contains(cluster.nodeId()));
    if (ProxyHeaders.of(ctx).trusted()) {
      status.put("node", cluster.nodeId());
    }
    vertx.eventBus().request(Addresses.STORE_HEALTH, null, new DeliveryOptions().setSendTimeout(3000))
      .map(ok -> "UP").otherwise("DOWN")
      .onSuccess(db -> {
        boolean up = clusterUp && db.equals("UP");
        Replies.json(ctx, up ? 200 : 503, status.put("db", db).put("status", up ? "UP" : "DOWN"));
      });
  }

  /** Whatever failed, the client gets a status and a one-line JSON error, and the log no stack trace. */
  private static void onFailure(RoutingContext ctx) {
    // Vert.x's authentication handler wraps what a bot's token check failed with in a 401 (BearerAuth)
    Throwable cause = ctx.failure() instanceof HttpException wrapped && wrapped.getCause() != null
      ? wrapped.getCause() : ctx.failure();
    if (cause instanceof Throttles.Throttled throttled) {
      throttled.answer(ctx);
      return;
    }
    if (cause instanceof ReplyException refused) {
      Replies.failure(ctx, refused);
      return;
    }
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    if (status >= 500) {
      LOG.warn("{} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
    }
    if (!ctx.response().ended() && !ctx.response().headWritten()) {
      if (status == 413) {
        // the rest of the oversized body is still on the wire: this connection cannot carry another request
        ctx.response().putHeader("Connection", "close");
      }
      Replies.error(ctx, status, switch (status) {
        case 413 -> "request body too large";
        case 400 -> "bad request";
        case 404 -> "not found";
        case 405 -> "method not allowed";
        case 401 -> ctx.failure() instanceof HttpException told && told.getPayload() != null ? told.getPayload()
          : "not logged in";
        default -> status >= 500 ? "internal error" : "request refused";
      });
    } else if (!ctx.response().ended()) {
      ctx.response().reset();
    }
  }

  /**
   * The login wall of the API and the bridge: 401 without a logged-in user. An address that keeps asking without
   * one (a flood of made-up session cookies) gets its answers a second late: a timer costs nothing, and the flood
   * slows to what its connections carry.
   */
  private void requireUser(RoutingContext ctx) {
    if (ctx.user() != null) {
      ctx.next();
    } else if (bridgeLimits.tryRefusal(ProxyHeaders.of(ctx).address())) {
      Replies.error(ctx, 401, "not logged in");
    } else {
      vertx.setTimer(Throttles.REFUSAL_DELAY_MS, id -> {
        if (!ctx.response().ended() && !ctx.response().closed()) {
          Replies.error(ctx, 401, "not logged in");
        }
      });
    }
  }
}
