package chat.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Debian's nginx running the shipped site {@code deploy/nginx/chat.conf}, rendered for free ports by
 * {@code bin/local-proxy run} exactly as an operator's local try does, in front of the given node ports; with its
 * self-signed certificate for localhost. Stopped with SIGTERM (nginx's fast shutdown takes its workers along).
 */
public final class NginxProxy implements AutoCloseable {

  private final Process process;
  private final Path dir;
  private final int port;

  private NginxProxy(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    Runtime.getRuntime().addShutdownHook(new Thread(this::close));
  }

  /** nginx on a free https port in front of these HTTP ports on 127.0.0.1, answering once /health says UP. */
  public static NginxProxy start(Path dir, List<Integer> nodePorts) {
    int port = Ports.free();
    Path script = Path.of("bin", "local-proxy").toAbsolutePath();
    ProcessBuilder builder = new ProcessBuilder(script.toString(), "run").directory(script.getParent().getParent().toFile())
      .redirectErrorStream(true).redirectOutput(dir.resolve("local-proxy.log").toFile());
    Map<String, String> environment = builder.environment();
    environment.put("PROXY_DIR", dir.toString());
    environment.put("PROXY_PORT", String.valueOf(port));
    environment.put("PROXY_HTTP_PORT", String.valueOf(Ports.free()));
    environment.put("PROXY_NODES", nodePorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(" ")));
    NginxProxy proxy;
    try {
      proxy = new NginxProxy(builder.start(), dir, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Vertx vertx = Vertx.vertx();
    Throwable[] last = new Throwable[1];
    try {
      TestCluster.awaitTrue("nginx serving /health on " + port, () -> {
        if (!proxy.process.isAlive()) {
          throw new AssertionError("nginx exited:\n" + proxy.log());
        }
        // a new client each time: the script writes the certificate it is to trust while this waits
        Http probe = new Http(vertx, proxy.trusting(new HttpClientOptions()), "localhost", port);
        try {
          return probe.get("/health").status() == 200;
        } catch (RuntimeException notYet) {
          last[0] = notYet;
          return false;
        } finally {
          probe.close();
        }
      });
    } catch (AssertionError e) {
      proxy.close();
      throw new AssertionError(e.getMessage() + "; last failure: " + last[0] + "; log:\n" + proxy.log(), last[0]);
    } finally {
      vertx.close().await();
    }
    return proxy;
  }

  public int port() {
    return port;
  }

  /** The public origin browsers use. */
  public String origin() {
    return "https://localhost:" + port;
  }

  /** Client options over TLS that trust this proxy's self-signed certificate and check the host name. */
  public <T extends io.vertx.core.net.ClientOptionsBase> T trusting(T options) {
    options.setSsl(true).setTrustOptions(new PemTrustOptions().addCertPath(dir.resolve("cert.pem").toString()));
    return options;
  }

  /** nginx's access log: one line per request, with the upstream that served it. */
  public String log() {
    try {
      return Files.readString(dir.resolve("local-proxy.log")) + Files.readString(dir.resolve("error.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> workers = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.forEach(ProcessHandle::destroyForcibly);
  }
}
