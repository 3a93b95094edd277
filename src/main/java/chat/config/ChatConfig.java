package chat.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemException;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The whole node configuration, read once at start and validated. Every key is optional ({@link ConfigKey#ALL} lists
 * them); the file's values can be overridden by environment variables and system properties ({@link Overrides}). A
 * bad value or an unknown key stops the start with a {@link ConfigException} naming the key, and the variable or
 * property when it came from one.
 */
public record ChatConfig(Http http, Db db, List<String> rooms, Cluster cluster, EventBus eventBus, Security security,
                         Metrics metrics, Channels channels, Files files, Bots bots, Presence presence) {

  public static final Path DEFAULT_FILE = Path.of("conf", "config.json");
  private static final Pattern TOPIC_NAME = Pattern.compile("[a-z0-9-]{1,32}");
  private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** scheme://host[:port]: a DNS name, an IPv4 address or a bracketed IPv6 one; no path, query or user. */
  private static final Pattern ORIGIN = Pattern.compile(
    "(?i)(https?)://([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\\[[0-9a-f:.]+\\])"
      + "(?::([0-9]{1,5}))?");

  /**
   * secureCookie: always mark the session cookie Secure (it is anyway when the public scheme is https);
   * trustedProxies: the peers whose forwarded headers are believed, and only theirs; forwardedHeaders: which
   * family of them the proxy sets (the other one is the client's own and ignored); publicOrigin: the origin
   * browsers use, pinned, when the proxy does not pass the host; tls: serve https directly.
   */
  public record Http(String host, int port, boolean secureCookie, List<AddressRange> trustedProxies,
                     ForwardedHeaders forwardedHeaders, Optional<PublicOrigin> publicOrigin, Optional<Tls> tls) {
  }

  /** The forwarded headers a proxy sets: X-Forwarded-For/-Proto/-Host (nginx, HAProxy) or RFC 7239's Forwarded. */
  public enum ForwardedHeaders {
    X_FORWARDED("x-forwarded"), FORWARDED("forwarded");

    private final String configName;

    ForwardedHeaders(String configName) {
      this.configName = configName;
    }

    static ForwardedHeaders of(String configName) {
      for (ForwardedHeaders value : values()) {
        if (value.configName.equals(configName)) {
          return value;
        }
      }
      return null;
    }
  }

  /** Where browsers reach the chat, e.g. https://chat.example.org (port -1 for the scheme's default). */
  public record PublicOrigin(String scheme, String host, int port) {

    public boolean secure() {
      return scheme.equals("https");
    }
  }

  /** A PEM certificate (chain) and its private key, checked to match at start. */
  public record Tls(String certPath, String keyPath) {
  }

  /** The clustered event bus over mutual TLS: this node's certificate and key, and the CA every node's is from. */
  public record ClusterTls(String certPath, String keyPath, String caPath) {
  }

  /** maxPoolSize is per pool: the store and the accounts verticle each hold one. */
  public record Db(String url, String user, String password, int maxPoolSize) {

    /** An in-process file database is ours to SHUTDOWN on a graceful stop; a shared server never is. */
    public boolean isEmbeddedFile() {
      return url.startsWith("jdbc:hsqldb:file:");
    }
  }

  /**
   * warmUpSeconds: how long a node that joined a running cluster leaves the ordering of rooms and the counting of
   * send rates to the others, while its JIT compiles and its users reconnect (see chat.cluster.ClusterView).
   */
  public record Cluster(boolean enabled, String host, int port, List<String> members, String name,
                        int warmUpSeconds, Optional<ClusterTls> tls) {
  }

  public record EventBus(int port) {
  }

  /** Prometheus metrics on their own listener, off unless enabled, and on loopback unless a host is given. */
  public record Metrics(boolean enabled, String host, int port) {
  }

  /**
   * bcryptCost: work factor of new password hashes; sessionTimeoutMinutes: idle session expiry;
   * messagesPerSecond and messageBurst: each user's sustained send rate and burst, across all sockets and nodes;
   * loginFailuresPerUser: failed logins of one username from one address in 5 minutes before 429;
   * loginFailuresPerAddress / loginsPerAddress: failed / all logins from one address in 5 minutes before 429;
   * loginSlowdownPerUser: failed logins of one username from anywhere in 5 minutes after which each attempt waits
   * a second; passwordChecksAtOncePerAddress: password checks (and registrations) of one address running at once on
   * a node; registrationsPerAddress: registrations allowed per client address and hour;
   * requestsPerSecond and requestBurst: each user's bridge frames of any kind, per node;
   * socketsPerUser / socketsPerAddress: open bridge sockets per user and per client address, per node;
   * socketLifetimeMinutes: how long a socket may stay open before the page must reconnect (with its session).
   */
  public record Security(int bcryptCost, int sessionTimeoutMinutes, int messagesPerSecond, int messageBurst,
                         int loginFailuresPerUser, int loginFailuresPerAddress, int loginsPerAddress,
                         int loginSlowdownPerUser, int passwordChecksAtOncePerAddress, int registrationsPerAddress,
                         int requestsPerSecond,
                         int requestBurst, int socketsPerUser, int socketsPerAddress, int socketLifetimeMinutes) {
  }

  /**
   * maxPerUser: channels one user may own; maxMembers: members of one channel; actionsPerMinute: channel and
   * contacts actions (create, join, invite, requests to connect, blocks, …) of one user, across the cluster.
   */
  public record Channels(int maxPerUser, int maxMembers, int actionsPerMinute) {
  }

  /**
   * maxBytes: one shared file; quotaBytes: all of one user's files; uploadsAtOnce: one user's uploads in flight on
   * a node; maxPixels: the largest picture a thumbnail is made of; dir: where the bytes go, on a volume every node
   * shares (empty: in the database).
   */
  public record Files(long maxBytes, long quotaBytes, int uploadsAtOnce, long maxPixels, Optional<String> dir) {
  }

  /**
   * maxPerUser: bots one user may own; tokenFailuresPerMinute: wrong bot tokens from one address, or of one token
   * from anywhere, in a minute before that address or token is refused (429) for the rest of the minute;
   * messagesPerSecond and messageBurst: each bot's send rate, in place of security's for people; maxChannels: the
   * channels a bot may be in; assistant: whether this node runs the built-in assistant; timeZone: the clock the
   * assistant reads "tomorrow 9:00" and "at 2026-12-24 18:00" on.
   */
  public record Bots(int maxPerUser, int tokenFailuresPerMinute, int messagesPerSecond, int messageBurst,
                     int maxChannels, boolean assistant, java.time.ZoneId timeZone) {
  }

  /**
   * offlineGraceSeconds: how long after a user's last socket closes others are told they went offline; a page that
   * reconnects within it (a reload, a node's restart, a network change) shows no offline-online flicker to anyone.
   * 30 s by default: a page that comes back to the node it was on, after that node's restart, does so 10–15 s after
   * the restart began (a cold node's start plus the page's backoff of 1, 2, 4, then 5 s; W8 in BENCHMARKS.md).
   */
  public record Presence(int offlineGraceSeconds) {
  }

  /**
   * The file, then the environment, then the system properties, each overriding the one before key by key (see
   * {@link Overrides} for the names). Main passes {@code System.getenv()}; a test passes its own environment, which
   * a JVM cannot change for itself.
   *
   * <p>vertx-config 5.0.7 reads the file ("file" store, json format) and the system properties ("sys" store,
   * raw-data: every value the string it was given). The environment comes in as a map instead of through its "env"
   * store, whose factory always reads {@code System.getenv()} (the constructor taking another map is in
   * io.vertx.config.impl.spi, not public API); with raw-data that store would give this same map as JSON. Each store
   * is read on its own rather than merged by one ConfigRetriever: a merged object could not tell a variable from a
   * key of the file, and each name must be mapped to its key and named in an error.
   */
  public static ChatConfig load(Path file, Map<String, String> environment) {
    JsonObject fromFile;
    JsonObject systemProperties;
    Vertx reader = Vertx.vertx(readerOptions());
    try {
      fromFile = read(reader, new ConfigStoreOptions().setType("file").setFormat("json")
        .setConfig(new JsonObject().put("path", file.toString())))
        .recover(failure -> Future.failedFuture(fileProblem(file, failure)))
        .await();
      systemProperties = read(reader, new ConfigStoreOptions().setType("sys")
        .setConfig(new JsonObject().put("raw-data", true)))
        .await();
    } finally {
      reader.close().await();
    }
    List<Overrides.Setting> settings = new ArrayList<>(Overrides.fromEnvironment(environment));
    settings.addAll(Overrides.fromSystemProperties(systemProperties.getMap()));
    return layered(fromFile, settings);
  }

  /**
   * vertx-config reads through a Vertx (the file store with vertx.fileSystem(), its answers as futures) and has no
   * synchronous API, and the node's own Vertx cannot exist yet: its options come from this config. So a small one
   * is made for the reading and closed after it: one thread of each kind, files from the disk only (the config is
   * the operator's file, never a resource of the jar), nothing cached. Blocking on it is fine: this is main, before
   * any event loop work.
   */
  private static VertxOptions readerOptions() {
    return new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1)
      .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false));
  }

  /** One store, read once (no periodic scan) by a retriever closed after it. */
  private static Future<JsonObject> read(Vertx vertx, ConfigStoreOptions store) {
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
      new ConfigRetrieverOptions().setScanPeriod(0).addStore(store));
    return retriever.getConfig().eventually(retriever::close);
  }

  /** The file store fails with Vert.x's FileSystemException when it cannot read, anything else when it cannot parse. */
  private static ConfigException fileProblem(Path file, Throwable failure) {
    if (failure instanceof FileSystemException) {
      if (failure.getCause() instanceof NoSuchFileException) {
        return new ConfigException("config file not found: " + file);
      }
      Throwable cause = failure.getCause() == null ? failure : failure.getCause();
      return new ConfigException("config file unreadable: " + file + " (" + cause.getMessage() + ")");
    }
    return new ConfigException("config file is not a JSON object: " + file);
  }

  /** The settings over the file's values, later ones winning; a bad value names its variable or property. */
  static ChatConfig layered(JsonObject file, List<Overrides.Setting> settings) {
    JsonObject json = file.copy();
    Map<String, String> sources = new HashMap<>();
    for (Overrides.Setting setting : settings) {
      put(json, setting.key().path(), setting.key().value(setting.text()));
      sources.put(setting.key().path(), setting.source());
    }
    try {
      return fromJson(json);
    } catch (ConfigException e) {
      String source = sources.get(e.keyPath());
      throw source == null ? e : e.from(source);
    }
  }

  /** Sets a dotted key, making its sections as needed; a section the file has as something else is the file's error. */
  private static void put(JsonObject json, String path, Object value) {
    String[] names = path.split("\\.");
    JsonObject section = json;
    for (int i = 0; i < names.length - 1; i++) {
      Object inner = section.getValue(names[i]);
      if (inner == null) {
        inner = new JsonObject();
        section.put(names[i], inner);
      }
      if (!(inner instanceof JsonObject object)) {
        throw ConfigException.badKey(String.join(".", List.of(names).subList(0, i + 1)), "an object", inner);
      }
      section = object;
    }
    section.put(names[names.length - 1], value);
  }

  public static ChatConfig defaults() {
    return fromJson(new JsonObject());
  }

  public static ChatConfig fromJson(JsonObject json) {
    Section root = new Section("", json);
    root.allowOnly(ConfigKey.namesIn(""));

    Section http = root.section("http");
    Section db = root.section("db");
    Section cluster = root.section("cluster");
    Section eventBus = root.section("eventBus");
    Section metrics = root.section("metrics");
    Section security = root.section("security");
    Section channels = root.section("channels");
    Section files = root.section("files");
    Section bots = root.section("bots");
    Section presence = root.section("presence");

    String dbUrl = db.string("url", "jdbc:hsqldb:file:data/chat");
    if (!dbUrl.startsWith("jdbc:hsqldb:") && !dbUrl.startsWith("jdbc:postgresql:")) {
      throw ConfigException.badKey("db.url", "a jdbc:hsqldb: or jdbc:postgresql: URL", dbUrl);
    }
    return new ChatConfig(
      new Http(http.host("host", "0.0.0.0"), http.port("port", 8080, true), http.bool("secureCookie", false),
        trustedProxies(http), forwardedHeaders(http), publicOrigin(http), httpTls(http)),
      new Db(dbUrl, db.string("user", "SA"), db.stringAllowEmpty("password", ""), db.integer("maxPoolSize", 8, 1, 64)),
      topics(root),
      new Cluster(cluster.bool("enabled", false), cluster.host("host", "127.0.0.1"), cluster.port("port", 5701, false),
        members(cluster), cluster.matching("name", "chat", CLUSTER_NAME, "a name of letters, digits, _ . -"),
        cluster.integer("warmUpSeconds", 30, 0, 3600), clusterTls(cluster)),
      new EventBus(eventBus.port("port", 0, true)),
      new Security(security.integer("bcryptCost", 12, 4, 16), security.integer("sessionTimeoutMinutes", 30, 1, 7 * 24 * 60),
        security.integer("messagesPerSecond", 10, 1, 100_000), security.integer("messageBurst", 20, 1, 100_000),
        security.integer("loginFailuresPerUser", 5, 1, 1_000_000),
        security.integer("loginFailuresPerAddress", 20, 1, 1_000_000),
        security.integer("loginsPerAddress", 300, 1, 1_000_000),
        security.integer("loginSlowdownPerUser", 50, 1, 1_000_000),
        security.integer("passwordChecksAtOncePerAddress", 2, 1, 1_000_000),
        security.integer("registrationsPerAddress", 20, 1, 1_000_000),
        security.integer("requestsPerSecond", 30, 1, 100_000), security.integer("requestBurst", 60, 1, 100_000),
        security.integer("socketsPerUser", 20, 1, 100_000), security.integer("socketsPerAddress", 200, 1, 1_000_000),
        security.integer("socketLifetimeMinutes", 24 * 60, 1, 30 * 24 * 60)),
      new Metrics(metrics.bool("enabled", false), metrics.host("host", "127.0.0.1"), metrics.port("port", 9100, true)),
      new Channels(channels.integer("maxPerUser", 100, 0, 1_000_000), channels.integer("maxMembers", 10_000, 2, 1_000_000),
        channels.integer("actionsPerMinute", 60, 1, 1_000_000)),
      // sizes in bytes may pass 2 GiB (a quota of 10 GiB); a pixel count's bound is what a thumbnail can decode
      new Files(files.whole("maxBytes", 25L * 1024 * 1024, 1, Long.MAX_VALUE),
        files.whole("quotaBytes", 1024L * 1024 * 1024, 1, Long.MAX_VALUE), files.integer("uploadsAtOnce", 3, 1, 1000),
        files.whole("maxPixels", 40_000_000, 1, Integer.MAX_VALUE),
        files.json.getValue("dir") == null ? Optional.empty() : Optional.of(files.string("dir", ""))),
      new Bots(bots.integer("maxPerUser", 10, 0, 1000), bots.integer("tokenFailuresPerMinute", 10, 1, 1_000_000),
        bots.integer("messagesPerSecond", 5, 1, 100_000), bots.integer("messageBurst", 10, 1, 100_000),
        bots.integer("maxChannels", 50, 0, 1_000_000), bots.bool("assistant", true), timeZone(bots)),
      new Presence(presence.integer("offlineGraceSeconds", 30, 0, 3600)));
  }

  private static java.time.ZoneId timeZone(Section bots) {
    String zone = bots.string("timeZone", "UTC");
    try {
      return java.time.ZoneId.of(zone);
    } catch (java.time.DateTimeException e) {
      throw ConfigException.badKey("bots.timeZone", "a time zone such as UTC or Europe/Paris", zone);
    }
  }

  private static List<String> topics(Section root) {
    Object value = root.json.getValue("rooms");
    if (value == null) {
      return List.of("general", "news", "sports", "tech");
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw ConfigException.badKey("rooms", "a non-empty array of topic names", value);
    }
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object name = array.getValue(i);
      if (!(name instanceof String s) || !TOPIC_NAME.matcher(s).matches()) {
        throw ConfigException.badKey("rooms[" + i + "]", "a topic name matching [a-z0-9-]{1,32}", name);
      }
      if (topics.contains(s)) {
        throw ConfigException.badKey("rooms[" + i + "]", "a name not listed before", name);
      }
      topics.add(s);
    }
    return List.copyOf(topics);
  }

  private static List<AddressRange> trustedProxies(Section http) {
    Object value = http.json.getValue("trustedProxies");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw ConfigException.badKey("http.trustedProxies", "an array of addresses or CIDR ranges", value);
    }
    List<AddressRange> ranges = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object entry = array.getValue(i);
      AddressRange range = entry instanceof String s ? AddressRange.parse(s) : null;
      if (range == null) {
        throw ConfigException.badKey("http.trustedProxies[" + i + "]",
          "an IP address or CIDR range such as \"10.0.0.0/8\" (no host names)", entry);
      }
      ranges.add(range);
    }
    return List.copyOf(ranges);
  }

  private static ForwardedHeaders forwardedHeaders(Section http) {
    String name = http.string("forwardedHeaders", "x-forwarded");
    ForwardedHeaders headers = ForwardedHeaders.of(name);
    if (headers == null) {
      throw ConfigException.badKey("http.forwardedHeaders", "\"x-forwarded\" or \"forwarded\"", name);
    }
    return headers;
  }

  private static Optional<PublicOrigin> publicOrigin(Section http) {
    if (http.json.getValue("publicOrigin") == null) {
      return Optional.empty();
    }
    String text = http.string("publicOrigin", "");
    Matcher origin = ORIGIN.matcher(text);
    int port = -1;
    if (origin.matches() && origin.group(3) != null) {
      port = Integer.parseInt(origin.group(3));
    }
    if (!origin.matches() || port == 0 || port > 65535) {
      throw ConfigException.badKey("http.publicOrigin", "an origin such as \"https://chat.example.org\" (no path)", text);
    }
    String scheme = origin.group(1).toLowerCase(Locale.ROOT);
    if (port == (scheme.equals("https") ? 443 : 80)) {
      port = -1;
    }
    return Optional.of(new PublicOrigin(scheme, origin.group(2).toLowerCase(Locale.ROOT), port));
  }

  private static Optional<Tls> httpTls(Section http) {
    if (http.json.getValue("tls") == null) {
      return Optional.empty();
    }
    Section tls = http.section("tls");
    Tls files = new Tls(tls.string("certPath", ""), tls.string("keyPath", ""));
    PemFiles.checkKeyPair(tls.key("certPath"), files.certPath(), tls.key("keyPath"), files.keyPath());
    return Optional.of(files);
  }

  private static Optional<ClusterTls> clusterTls(Section cluster) {
    if (cluster.json.getValue("tls") == null) {
      return Optional.empty();
    }
    Section tls = cluster.section("tls");
    ClusterTls files = new ClusterTls(tls.string("certPath", ""), tls.string("keyPath", ""), tls.string("caPath", ""));
    PemFiles.checkKeyPair(tls.key("certPath"), files.certPath(), tls.key("keyPath"), files.keyPath());
    PemFiles.checkSignedBy(tls.key("certPath"), files.certPath(), tls.key("caPath"), files.caPath());
    return Optional.of(files);
  }

  private static List<String> members(Section cluster) {
    Object value = cluster.json.getValue("members");
    if (value == null) {
      return List.of("127.0.0.1:5701");
    }
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw ConfigException.badKey("cluster.members", "a non-empty array of \"host:port\"", value);
    }
    List<String> members = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Object member = array.getValue(i);
      if (!(member instanceof String s) || !isHostPort(s)) {
        throw ConfigException.badKey("cluster.members[" + i + "]", "\"host:port\"", member);
      }
      members.add(s);
    }
    return List.copyOf(members);
  }

  private static boolean isHostPort(String s) {
    int colon = s.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** One JSON object of the config file, with the dotted path of its keys for error messages. */
  private record Section(String path, JsonObject json) {

    String key(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    void allowOnly(List<String> names) {
      for (String name : json.fieldNames()) {
        if (!names.contains(name)) {
          throw ConfigException.forKey(key(name), "unknown key (allowed: " + String.join(", ", names) + ")");
        }
      }
    }

    /** The keys it allows are {@link ConfigKey#ALL}'s under its path. */
    Section section(String name) {
      Object value = json.getValue(name);
      if (value == null) {
        return new Section(key(name), new JsonObject());
      }
      if (!(value instanceof JsonObject object)) {
        throw ConfigException.badKey(key(name), "an object", value);
      }
      Section section = new Section(key(name), object);
      section.allowOnly(ConfigKey.namesIn(section.path));
      return section;
    }

    String string(String name, String fallback) {
      String value = stringAllowEmpty(name, fallback);
      if (value.isBlank()) {
        throw ConfigException.badKey(key(name), "a non-empty string", value);
      }
      return value;
    }

    String stringAllowEmpty(String name, String fallback) {
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof String s)) {
        throw ConfigException.badKey(key(name), "a string", value);
      }
      return s;
    }

    String matching(String name, String fallback, Pattern pattern, String expected) {
      String value = string(name, fallback);
      if (!pattern.matcher(value).matches()) {
        throw ConfigException.badKey(key(name), expected, value);
      }
      return value;
    }

    String host(String name, String fallback) {
      String value = string(name, fallback);
      if (value.contains(" ") || value.contains("/") || value.contains(":") && !value.contains("[")) {
        throw ConfigException.badKey(key(name), "a host name or IPv4 address", value);
      }
      return value;
    }

    int port(String name, int fallback, boolean zeroAllowed) {
      return integer(name, fallback, zeroAllowed ? 0 : 1, 65535);
    }

    int integer(String name, int fallback, int min, int max) {
      return (int) whole(name, fallback, min, max);
    }

    /** A whole number that may pass 2^31 (a size in bytes). */
    long whole(String name, long fallback, long min, long max) {
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
        throw ConfigException.badKey(key(name), "an integer from " + min + " to " + max, value);
      }
      return ((Number) value).longValue();
    }

    boolean bool(String name, boolean fallback) {
      Object value = json.getValue(name);
      if (value == null) {
        return fallback;
      }
      if (!(value instanceof Boolean b)) {
        throw ConfigException.badKey(key(name), "true or false", value);
      }
      return b;
    }
  }
}
