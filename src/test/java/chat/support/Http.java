package chat.support;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;

/**
 * A browser-like HTTP client for one user: keeps the session cookie it is given, sends JSON. Calls block the
 * test thread (never an event loop) until the answer is in, so tests read top to bottom.
 */
public final class Http {

  public record Response(int status, String body, io.vertx.core.MultiMap headers) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient client;
  /** An event-loop context of the client's Vert.x (the test thread is not one). */
  private final Context context;
  private final String host;
  private final int port;
  private volatile String cookie;

  public Http(Vertx vertx, int port) {
    this(vertx, new HttpClientOptions(), "127.0.0.1", port);
  }

  /** A client on any connection: TLS and its trust, a source address ({@code setLocalAddress}), another host. */
  public Http(Vertx vertx, HttpClientOptions options, String host, int port) {
    // up to 100 connections at once, as many browsers or an attacker would open: requests sent together are
    // concurrent at the server, not queued in this client
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(100));
    this.context = vertx.getOrCreateContext();
    this.host = host;
    this.port = port;
  }

  /** A client whose connections come from this loopback address (127.0.0.2, …): another machine, to the server. */
  public static Http from(Vertx vertx, String sourceAddress, int port) {
    return new Http(vertx, new HttpClientOptions().setLocalAddress(sourceAddress), "127.0.0.1", port);
  }

  public String cookie() {
    return cookie;
  }

  public Http withCookie(String cookie) {
    this.cookie = cookie;
    return this;
  }

  public Response get(String path) {
    return call(HttpMethod.GET, path, null, null);
  }

  /** Whether {@code GET /api/users} on this node shows this user online to the one logged in here. */
  public boolean online(String username) {
    return get("/api/users?q=" + username).json().getJsonArray("users").stream().map(JsonObject.class::cast)
      .anyMatch(user -> username.equals(user.getString("username")) && user.getBoolean("online", false));
  }

  public Response post(String path, JsonObject body) {
    return call(HttpMethod.POST, path, body == null ? null : body.encode(), "application/json");
  }

  public Response call(HttpMethod method, String path, String body, String contentType) {
    return callWithHeaders(method, path, body, contentType);
  }

  /** A request with extra headers given as name, value, name, value… */
  public Response callWithHeaders(HttpMethod method, String path, String body, String contentType, String... headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.putHeader(headers[i], headers[i + 1]);
    }
    if (cookie != null) {
      options.putHeader("Cookie", cookie);
    }
    if (contentType != null) {
      options.putHeader("Content-Type", contentType);
    }
    try {
      return send(options, body);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed", e);
    }
  }

  /**
   * The whole exchange is set up on one event loop, so no step can complete before the next one is attached.
   * Set up from the test thread, the chain had a gap: if the thread was descheduled between two compose calls
   * while the response came in, its body went by before anyone read it, and body() then waited for ever. That was
   * the rare request with "no answer" of earlier runs: no server log, only under load, gone on a retry.
   */
  private Response send(RequestOptions options, String body) throws Exception {
    return exchange(options, body).await(10, TimeUnit.SECONDS);
  }

  /** A request without a body that is not waited for, to have many in flight at once (host and port are this client's). */
  public Future<Response> callAsync(RequestOptions options) {
    return callAsync(options, null);
  }

  /** The same with a body (the options carry its Content-Type). */
  public Future<Response> callAsync(RequestOptions options, String body) {
    options.setHost(host).setPort(port);
    if (cookie != null) {
      options.putHeader("Cookie", cookie);
    }
    return exchange(options, body);
  }

  private Future<Response> exchange(RequestOptions options, String body) {
    Promise<Response> answer = Promise.promise();
    context.runOnContext(v -> client.request(options)
      .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
      .compose(response -> response.body().map(buffer -> keepCookie(response, buffer)))
      .onComplete(answer));
    return answer.future();
  }

  private Response keepCookie(HttpClientResponse response, Buffer body) {
    for (String setCookie : response.cookies()) {
      String pair = setCookie.split(";", 2)[0];
      if (pair.startsWith("chat.session=")) {
        cookie = pair.endsWith("=") ? null : pair;
      }
    }
    return new Response(response.statusCode(), body.toString(), response.headers());
  }

  public static JsonObject registration(String username, String password) {
    return new JsonObject().put("username", username).put("email", username + "@example.test")
      .put("password", password).put("confirmPassword", password);
  }

  /** The password {@link #signUp} gives a user. */
  public static String passwordOf(String username) {
    return "pw-" + username + "-long";
  }

  /** Registers and logs in; the client then carries that user's session. */
  public Http signUp(String username) {
    String password = passwordOf(username);
    Response registered = post("/api/register", registration(username, password));
    if (registered.status() != 201) {
      throw new IllegalStateException("register " + username + ": " + registered.status() + " " + registered.body());
    }
    return logIn(username, password);
  }

  public Http logIn(String username, String password) {
    Response login = post("/api/login", new JsonObject().put("username", username).put("password", password));
    if (login.status() != 200) {
      throw new IllegalStateException("login " + username + ": " + login.status() + " " + login.body());
    }
    return this;
  }

  public void close() {
    client.close();
  }
}
