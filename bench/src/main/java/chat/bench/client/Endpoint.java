package chat.bench.client;

import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Path;

/**
 * Where a client talks to: a node's plain HTTP port on 127.0.0.1, or a TLS port in front of the nodes (nginx)
 * whose certificate is {@code trustedCert}. The certificate is trusted by itself, and the host name is verified
 * against it as a browser would (the proxy's self-signed one names 127.0.0.1), so the handshake does the work a
 * real client's does.
 */
public record Endpoint(int port, Path trustedCert) {

  public static Endpoint plain(int port) {
    return new Endpoint(port, null);
  }

  public static Endpoint tls(int port, Path trustedCert) {
    return new Endpoint(port, trustedCert);
  }

  public boolean tls() {
    return trustedCert != null;
  }

  PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(trustedCert.toString());
  }

  @Override
  public String toString() {
    return (tls() ? "https://127.0.0.1:" : "http://127.0.0.1:") + port;
  }
}
