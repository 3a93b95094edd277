package chat.bench.server;

import chat.bench.client.Endpoint;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * nginx with TLS in front of chat nodes, configured from deploy/nginx/chat.conf as shipped: {@code bin/local-proxy
 * run} renders it into a folder of the run directory (with a self-signed certificate for 127.0.0.1) and execs nginx
 * in the foreground, so the process started here is nginx's master. The clients log in and open their sockets on
 * its one https port, trusting that certificate; nginx spreads them over the nodes. Its CPU (master and workers) is
 * reported as the process "nginx", next to the nodes'. Closing it stops nginx, then the nodes.
 */
public final class NginxProxy implements Target {

  private final Target chat;
  private final Proc nginx;
  private final int port;
  private final Path cert;
  private String description = "nginx";

  private NginxProxy(Target chat, Proc nginx, int port, Path cert) {
    this.chat = chat;
    this.nginx = nginx;
    this.port = port;
    this.cert = cert;
  }

  /**
   * Starts nginx in front of the chat nodes (they must trust 127.0.0.1 as a proxy) and waits until its /health
   * shows the whole cluster. {@code workerConnections} is per worker process.
   */
  public static NginxProxy start(Path runDir, Path repo, Target chat, int workerConnections) {
    int port = Ports.free();
    Path dir = runDir.resolve("nginx-" + port);
    Map<String, String> environment = Map.of(
      "PROXY_DIR", dir.toString(),
      "PROXY_PORT", String.valueOf(port),
      "PROXY_HTTP_PORT", String.valueOf(Ports.free()),
      "PROXY_NODES", chat.ports().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(" ")),
      "PROXY_WORKER_CONNECTIONS", String.valueOf(workerConnections));
    Proc nginx = Proc.command(runDir, "nginx", List.of(repo.resolve("bin/local-proxy").toString(), "run"), environment);
    NginxProxy proxy = new NginxProxy(chat, nginx, port, dir.resolve("cert.pem"));
    try {
      proxy.awaitServing(chat.nodes().size());
      return proxy;
    } catch (RuntimeException e) {
      nginx.stop();
      throw e;
    }
  }

  private void awaitServing(int clusterSize) {
    // the certificate is made before nginx starts listening: wait for the port, then trust what is there
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(cert) || !Ports.listening(port)) {
      if (!nginx.alive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("nginx did not start; bin/local-proxy's output ends:\n" + nginx.logTail(20));
      }
      Health.sleep(200);
    }
    HttpClient http = HttpClient.newBuilder().sslContext(trusting(cert)).version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
    URI health = URI.create("https://127.0.0.1:" + port + "/health");
    String size = "\"clusterSize\":" + clusterSize;
    Health.await(http, List.of(nginx), List.of(health), body -> body.contains("\"status\":\"UP\"") && body.contains(size),
      60);
    int workers = nginx.adoptChildren();
    String tls;
    try {
      HttpResponse<Void> response = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding());
      tls = response.sslSession().map(s -> s.getProtocol() + " " + s.getCipherSuite()).orElse("no TLS session?");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
    description = nginxVersion() + " with deploy/nginx/chat.conf, " + tls;
    System.out.printf("  %s up: %s → nodes %s, %d worker processes%n", description, endpoints().get(0), chat.ports(),
      workers);
  }

  /** An SSL context that trusts this one certificate (host names are still checked against it). */
  private static SSLContext trusting(Path cert) {
    try (InputStream in = Files.newInputStream(cert)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("proxy", CertificateFactory.getInstance("X.509").generateCertificate(in));
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + cert + ": " + e.getMessage(), e);
    }
  }

  /** "nginx/1.22.1", as {@code nginx -v} says (on stderr). */
  private static String nginxVersion() {
    try {
      Process v = new ProcessBuilder("nginx", "-v").redirectErrorStream(true).start();
      String out = new String(v.getInputStream().readAllBytes()).trim();
      v.waitFor(10, TimeUnit.SECONDS);
      return out.startsWith("nginx version: ") ? out.substring("nginx version: ".length()) : "nginx";
    } catch (IOException e) {
      return "nginx";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "nginx";
    }
  }

  @Override
  public String kind() {
    return chat.kind();
  }

  @Override
  public String via() {
    return "nginx";
  }

  @Override
  public List<Integer> ports() {
    return chat.ports();
  }

  @Override
  public List<Endpoint> endpoints() {
    return List.of(Endpoint.tls(port, cert));
  }

  @Override
  public List<Proc> processes() {
    List<Proc> all = new ArrayList<>(chat.processes());
    all.add(nginx);
    return all;
  }

  @Override
  public List<Proc> nodes() {
    return chat.nodes();
  }

  @Override
  public String version() {
    return chat.version() + "; behind " + description;
  }

  @Override
  public boolean needsAccounts() {
    return chat.needsAccounts();
  }

  @Override
  public void close() {
    nginx.stop();
    chat.close();
  }
}
