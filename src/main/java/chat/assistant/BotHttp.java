package chat.assistant;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;

/** A bot's calls on the HTTP API, with its bearer token, as an outside program makes them. */
final class BotHttp {

  private final HttpClient client;
  private final String host;
  private final int port;
  private final String token;

  BotHttp(Vertx vertx, HttpClientOptions options, String host, int port, String token) {
    this.client = vertx.createHttpClient(options);
    this.host = host;
    this.port = port;
    this.token = token;
  }

  /** The answer's JSON (an object or an array); a status of 300 or more fails with it as a {@link ReplyException}. */
  Future<Object> call(HttpMethod method, String path, Object body) {
    RequestOptions request = new RequestOptions().setMethod(method).setHost(host).setPort(port).setURI(path)
      .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    if (body != null) {
      request.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return client.request(request)
      .compose(sent -> body == null ? sent.send() : sent.send(Json.encode(body)))
      .compose(response -> response.body().compose(bytes -> response.statusCode() < 300
        ? Future.succeededFuture(bytes.length() == 0 ? null : Json.decodeValue(bytes))
        : Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, response.statusCode(),
          method + " " + path + ": " + bytes))));
  }

  Future<Void> close() {
    return client.close();
  }
}
