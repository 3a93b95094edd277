package chat.http;

import chat.config.AddressRange;
import chat.config.ChatConfig;
import io.netty.util.NetUtil;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who a request really comes from and which origin the browser used: the TCP peer and the request's own scheme and
 * Host, unless the peer is one of {@code http.trustedProxies}; only then are its forwarded headers believed. The
 * client is the right-most address in X-Forwarded-For (or Forwarded) that is not a trusted proxy: everything left
 * of it was written by the client itself. An entry that is not a bare address (garbage, a zone id, "unknown") ends
 * the walk, and the last address that was read stands, so no header value can make a client look trusted.
 * <p>
 * Hand-parsed because vertx-web 5.0.7's {@code Router.allowForward} believes these headers from any peer and takes
 * the left-most X-Forwarded-For hop, the one a client chooses (vert-x3/vertx-web#2327 asks for trusted proxies;
 * this class can go when vertx-web has them and a right-most-untrusted rule).
 */
final class ProxyHeaders implements Handler<RoutingContext> {

  /** Hops read from the right at most: a chain of proxies is never longer; the rest is the client's. */
  static final int MAX_HOPS = 16;
  private static final String KEY = "chat.client";

  /**
   * The resolved client: its address (a normalised literal), whether that address is itself trusted (loopback or
   * a trusted proxy: an operator's own tools), and the scheme and authority the browser used (authority may be
   * null when neither the request nor a trusted proxy named a valid host).
   */
  record Client(String address, boolean trusted, String scheme, HostAndPort authority) {

    boolean https() {
      return scheme.equals("https");
    }
  }

  private final ChatConfig.Http config;

  ProxyHeaders(ChatConfig.Http config) {
    this.config = config;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Client client = resolve(ctx.request());
    ctx.put(KEY, client);
    boolean publicHttps = config.publicOrigin().map(ChatConfig.PublicOrigin::secure).orElse(client.https());
    if (publicHttps && !config.secureCookie()) {
      // headers-end handlers run last-added first: this one runs after the session handler has set its cookie
      ctx.addHeadersEndHandler(v -> markSecure(ctx.request().cookies(HttpVerticle.SESSION_COOKIE)));
    }
    ctx.next();
  }

  /** The client of a request that went through this handler. */
  static Client of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  Client resolve(HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    return resolve(peer, request.scheme(), request.authority(), request.headers());
  }

  Client resolve(String peerText, String ownScheme, HostAndPort ownAuthority, MultiMap headers) {
    byte[] peer = peerText == null ? null : AddressRange.literal(peerText);
    if (peer == null) {
      return new Client("unknown", false, ownScheme, ownAuthority);
    }
    if (!isTrusted(peer)) {
      return new Client(NetUtil.bytesToIpAddress(peer), isLoopback(peer), ownScheme, ownAuthority);
    }
    return config.forwardedHeaders() == ChatConfig.ForwardedHeaders.FORWARDED
      ? fromForwarded(peer, ownScheme, ownAuthority, headers)
      : fromXForwarded(peer, ownScheme, ownAuthority, headers);
  }

  private Client fromXForwarded(byte[] peer, String ownScheme, HostAndPort ownAuthority, MultiMap headers) {
    List<String> hops = split(headers.getAll("X-Forwarded-For"), ',');
    byte[] client = peer;
    for (int i = hops.size() - 1; i >= Math.max(0, hops.size() - MAX_HOPS); i--) {
      byte[] hop = hopAddress(hops.get(i));
      if (hop == null) {
        break;
      }
      client = hop;
      if (!isTrusted(hop)) {
        break;
      }
    }
    String scheme = scheme(last(split(headers.getAll("X-Forwarded-Proto"), ',')), ownScheme);
    HostAndPort authority = authority(last(split(headers.getAll("X-Forwarded-Host"), ',')), ownAuthority);
    return client(client, scheme, authority);
  }

  /**
   * RFC 7239: one element per hop, each with its own for/proto/host; the scheme and host are those of the
   * element that names the client, the one the public-facing proxy wrote.
   */
  private Client fromForwarded(byte[] peer, String ownScheme, HostAndPort ownAuthority, MultiMap headers) {
    List<String> elements = split(headers.getAll("Forwarded"), ',');
    byte[] client = peer;
    String scheme = ownScheme;
    HostAndPort authority = ownAuthority;
    for (int i = elements.size() - 1; i >= Math.max(0, elements.size() - MAX_HOPS); i--) {
      String element = elements.get(i);
      byte[] hop = hopAddress(parameter(element, "for"));
      if (hop == null) {
        break;
      }
      client = hop;
      scheme = scheme(parameter(element, "proto"), ownScheme);
      authority = authority(parameter(element, "host"), ownAuthority);
      if (!isTrusted(hop)) {
        break;
      }
    }
    return client(client, scheme, authority);
  }

  private Client client(byte[] address, String scheme, HostAndPort authority) {
    return new Client(NetUtil.bytesToIpAddress(address), isTrusted(address) || isLoopback(address), scheme, authority);
  }

  private boolean isTrusted(byte[] address) {
    for (AddressRange range : config.trustedProxies()) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLoopback(byte[] address) {
    if (address.length == 4) {
      return address[0] == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (address[i] != 0) {
        return false;
      }
    }
    return address[15] == 1;
  }

  /** A hop of X-Forwarded-For or a Forwarded "for": an address, maybe with a port, IPv6 in brackets then. */
  static byte[] hopAddress(String hop) {
    if (hop == null) {
      return null;
    }
    String text = unquote(hop.trim());
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || !isPortSuffix(text.substring(close + 1))) {
        return null;
      }
      return AddressRange.literal(text.substring(1, close));
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && colon == text.lastIndexOf(':')) {
      // IPv4 with a port; a bare IPv6 address has more than one colon
      if (!isPortSuffix(text.substring(colon))) {
        return null;
      }
      text = text.substring(0, colon);
    }
    return AddressRange.literal(text);
  }

  private static boolean isPortSuffix(String text) {
    if (text.isEmpty()) {
      return true;
    }
    if (text.length() < 2 || text.length() > 6 || text.charAt(0) != ':'
      || !text.substring(1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return false;
    }
    return Integer.parseInt(text.substring(1)) <= 65535;
  }

  private static String scheme(String value, String fallback) {
    if (value == null) {
      return fallback;
    }
    String scheme = unquote(value.trim()).toLowerCase(Locale.ROOT);
    return scheme.equals("http") || scheme.equals("https") ? scheme : fallback;
  }

  private static HostAndPort authority(String value, HostAndPort fallback) {
    if (value == null) {
      return fallback;
    }
    HostAndPort parsed = HostAndPort.parseAuthority(unquote(value.trim()), -1);
    return parsed == null ? fallback : parsed;
  }

  /** The value of one parameter of a Forwarded element ({@code for=…;proto=…}), or null. */
  private static String parameter(String element, String name) {
    for (String pair : split(List.of(element), ';')) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase(name)) {
        return pair.substring(equals + 1).trim();
      }
    }
    return null;
  }

  /** All values of a header, its lines in order, split at the separator outside quoted strings. */
  private static List<String> split(List<String> lines, char separator) {
    List<String> parts = new ArrayList<>();
    for (String line : lines) {
      boolean quoted = false;
      int start = 0;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"') {
          quoted = !quoted;
        } else if (c == separator && !quoted) {
          parts.add(line.substring(start, i).trim());
          start = i + 1;
        }
      }
      parts.add(line.substring(start).trim());
    }
    return parts;
  }

  private static String last(List<String> values) {
    return values.isEmpty() ? null : values.get(values.size() - 1);
  }

  private static String unquote(String text) {
    return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1)
      : text;
  }

  /**
   * Marks the session cookie this response sets. The jar also holds the one the request brought, which must not be
   * touched (changing it would send it back without its attributes); only a cookie being set has a path.
   */
  private static void markSecure(Iterable<Cookie> cookies) {
    for (Cookie cookie : cookies) {
      if (cookie.getPath() != null) {
        cookie.setSecure(true);
      }
    }
  }
}
