package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The users a clients-only process ({@link ClientsOnly}) serves for this one, driven as one more share of the
 * {@link Fleet}: each call is an HTTP request to it on 127.0.0.1, answered when done. Its clients stamp and check
 * messages exactly as this process's do; the step's times are {@code System.nanoTime()} values, which on Linux
 * are CLOCK_MONOTONIC and so agree between processes of one machine.
 */
public final class RemoteClients implements ClientShare {

  private final HttpClient http;
  private final int port;
  private final IntPredicate ownsId;

  private RemoteClients(HttpClient http, int port, IntPredicate ownsId) {
    this.http = http;
    this.port = port;
    this.ownsId = ownsId;
  }

  /** The clients-only process listening on 127.0.0.1:port, serving the users whose ids {@code ownsId} accepts. */
  public static RemoteClients at(Vertx vertx, int port, IntPredicate ownsId) {
    // a connect can take minutes to be answered, and snapshots are asked for meanwhile
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(4));
    return new RemoteClients(http, port, ownsId);
  }

  boolean owns(Conn conn) {
    return ownsId.test(conn.id);
  }

  @Override
  public Future<Void> connect(List<Conn> mine, int maxInFlight) {
    return call(HttpMethod.POST, "/connect", new JsonObject().put("maxInFlight", maxInFlight)
      .put("conns", ClientsProtocol.conns(mine))).mapEmpty();
  }

  @Override
  public Future<Void> startStep(StepPlan plan) {
    return call(HttpMethod.POST, "/step", ClientsProtocol.plan(plan, this::owns)).mapEmpty();
  }

  @Override
  public Future<Counters> snapshot() {
    return call(HttpMethod.GET, "/snapshot", null).map(Counters::fromJson);
  }

  @Override
  public Future<Void> pause(Collection<Conn> slow) {
    JsonArray ids = new JsonArray();
    slow.forEach(c -> ids.add(c.id));
    return call(HttpMethod.POST, "/pause", new JsonObject().put("ids", ids)).mapEmpty();
  }

  @Override
  public Future<Void> closeAll() {
    return call(HttpMethod.POST, "/close-all", new JsonObject()).mapEmpty();
  }

  public void close() {
    http.close();
  }

  private Future<JsonObject> call(HttpMethod method, String path, JsonObject body) {
    return http.request(method, port, "127.0.0.1", path)
      .compose(request -> body == null ? request.send() : request.putHeader("content-type", "application/json")
        .send(body.toBuffer()))
      .compose(response -> response.body().map(answer -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("clients-only process, " + path + ": HTTP " + response.statusCode() + " "
            + answer);
        }
        return answer.toJsonObject();
      }));
  }

  @Override
  public String toString() {
    return "clients-only process on 127.0.0.1:" + port;
  }
}
