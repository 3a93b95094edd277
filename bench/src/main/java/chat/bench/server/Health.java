package chat.bench.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waits until every server answers GET /health the way the caller wants. */
final class Health {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Health() {
  }

  static void await(List<Proc> procs, List<Integer> ports, Predicate<String> ready, long timeoutSeconds) {
    List<URI> uris = ports.stream().map(p -> URI.create("http://127.0.0.1:" + p + "/health")).toList();
    await(HTTP, procs, uris, ready, timeoutSeconds);
  }

  /** The same through a client of the caller's (one that trusts a proxy's certificate), at these URIs. */
  static void await(HttpClient http, List<Proc> procs, List<URI> uris, Predicate<String> ready, long timeoutSeconds) {
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    for (int i = 0; i < uris.size(); i++) {
      while (!ready.test(get(http, uris.get(i)))) {
        Proc proc = procs.get(i);
        if (!proc.alive()) {
          throw new IllegalStateException(proc.name + " exited during start; its log ends:\n" + proc.logTail(30));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(proc.name + " not healthy after " + timeoutSeconds + " s; its log ends:\n"
            + proc.logTail(30));
        }
        sleep(250);
      }
    }
  }

  static String get(HttpClient http, URI uri) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (Exception e) {
      return "";
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
