package chat.bench.client;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * bench.jar started again in "clients only" mode: a {@link Fleet} of its own that serves some of the simulated
 * users for the bench, which drives it over HTTP on 127.0.0.1 ({@link RemoteClients}) and adds its counts to its
 * own. W9 needs it: no process here may hold more than 20,000 open files, and 20,000 client sockets do not fit in
 * the bench JVM next to its jars and event loops. It writes the port it listens on into the file it is given and
 * ends when the bench does.
 *
 * <p>{@code java -cp bench.jar chat.bench.client.ClientsOnly <port file> <event loops>}
 */
public final class ClientsOnly {

  private final Fleet fleet;
  /** The users handed over so far, by id; used on the HTTP server's event loop only. */
  private final Map<Integer, Conn> conns = new HashMap<>();

  private ClientsOnly(Fleet fleet) {
    this.fleet = fleet;
  }

  public static void main(String[] args) throws Exception {
    Path portFile = Path.of(args[0]);
    int loops = Integer.parseInt(args[1]);
    // nobody would stop it once the bench is gone (killed, or crashed past its shutdown hooks)
    ProcessHandle.current().parent().ifPresent(bench -> bench.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    // the users come with their source addresses: the fleet's own list is not used here
    Fleet fleet = Fleet.start(loops, 1);
    ClientsOnly clients = new ClientsOnly(fleet);
    HttpServer server = fleet.vertx().createHttpServer().requestHandler(clients::answer)
      .listen(0, "127.0.0.1").await(30, TimeUnit.SECONDS);
    Path written = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(written, String.valueOf(server.actualPort()));
    Files.move(written, portFile, StandardCopyOption.ATOMIC_MOVE);
    System.out.printf("clients only: %d client event loops (native transport %s), commands on 127.0.0.1:%d%n", loops,
      fleet.nativeTransport(), server.actualPort());
  }

  private void answer(HttpServerRequest request) {
    long t0 = System.nanoTime();
    request.body()
      .compose(body -> run(request.path(), body))
      .onComplete(done -> {
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (seconds > 5 || done.failed()) {
          System.out.printf("%s took %.1f s%s%n", request.path(), seconds, done.failed() ? ": " + done.cause() : "");
        }
      })
      .onSuccess(answer -> request.response().putHeader("content-type", "application/json").end(answer.toBuffer()))
      .onFailure(err -> request.response().setStatusCode(500).end(String.valueOf(err)));
  }

  private Future<JsonObject> run(String command, Buffer body) {
    JsonObject ok = new JsonObject();
    return switch (command) {
      case "/connect" -> {
        JsonObject asked = body.toJsonObject();
        List<Conn> mine = ClientsProtocol.conns(asked.getJsonArray("conns"));
        mine.forEach(c -> conns.put(c.id, c));
        yield fleet.connectAsync(mine, asked.getInteger("maxInFlight")).map(ok);
      }
      case "/step" -> fleet.startStepAsync(ClientsProtocol.plan(body.toJsonObject(), conns)).map(ok);
      case "/snapshot" -> fleet.snapshotAsync().map(Counters::toJson);
      case "/pause" -> fleet.pauseAsync(body.toJsonObject().getJsonArray("ids").stream()
        .map(id -> conns.get((Integer) id)).filter(c -> c != null).toList()).map(ok);
      case "/close-all" -> fleet.closeAllAsync().map(v -> {
        conns.clear();
        return ok;
      });
      default -> Future.failedFuture("no such command: " + command);
    };
  }
}
