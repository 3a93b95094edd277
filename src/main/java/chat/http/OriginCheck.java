package chat.http;

import chat.config.ChatConfig;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Cross-site requests are refused: a state-changing request or a WebSocket upgrade whose Origin is not the chat's
 * public origin gets 403. That origin is {@code http.publicOrigin} when set, else the scheme and host the browser
 * used (as a trusted proxy forwards them, see {@link ProxyHeaders}). Browsers always send Origin on those
 * requests, so one without it is not a browser acting for another site (curl, the benchmark) and passes;
 * SameSite=Strict cookies are the second wall.
 */
final class OriginCheck implements Handler<RoutingContext> {

  private final Optional<ChatConfig.PublicOrigin> pinned;

  OriginCheck(Optional<ChatConfig.PublicOrigin> pinned) {
    this.pinned = pinned;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    boolean stateChanging = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
    boolean upgrade = "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"));
    if (origin == null || !(stateChanging || upgrade) || sameOrigin(origin, ProxyHeaders.of(ctx))) {
      ctx.next();
    } else {
      Replies.error(ctx, 403, "cross-origin request refused");
    }
  }

  private boolean sameOrigin(String origin, ProxyHeaders.Client client) {
    ChatConfig.PublicOrigin expected = pinned.orElseGet(() -> publicOrigin(client));
    if (expected == null) {
      return false;
    }
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return uri.getRawPath() != null && uri.getRawPath().isEmpty() && uri.getHost() != null
        && scheme.equals(expected.scheme()) && uri.getHost().equalsIgnoreCase(expected.host())
        && withoutDefault(scheme, uri.getPort()) == expected.port();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static ChatConfig.PublicOrigin publicOrigin(ProxyHeaders.Client client) {
    HostAndPort authority = client.authority();
    if (authority == null) {
      return null;
    }
    String host = authority.host().toLowerCase(Locale.ROOT);
    return new ChatConfig.PublicOrigin(client.scheme(), host, withoutDefault(client.scheme(), authority.port()));
  }

  /** -1 for no port and for the scheme's default one, which browsers leave out of Origin. */
  private static int withoutDefault(String scheme, int port) {
    return port == (scheme.equals("https") ? 443 : 80) ? -1 : port;
  }
}
