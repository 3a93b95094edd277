package chat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real PEM certificates for tests, made by Debian's openssl (as an operator makes them): self-signed ones for
 * localhost, a CA, and certificates that CA issues. Each goes into its own files in the given folder.
 */
public final class Certificates {

  /** A certificate and its private key, both PEM. */
  public record Pem(Path cert, Path key) {
  }

  private Certificates() {
  }

  /** A self-signed certificate for localhost and 127.0.0.1, valid for two days. */
  public static Pem selfSigned(Path dir, String name) {
    Pem pem = files(dir, name);
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
      "-keyout", pem.key().toString(), "-out", pem.cert().toString());
    return pem;
  }

  /** A certificate authority of its own. */
  public static Pem authority(Path dir, String name) {
    Pem pem = files(dir, name);
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
      "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
      "-addext", "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout", pem.key().toString(), "-out", pem.cert().toString());
    return pem;
  }

  /** A certificate for 127.0.0.1 issued by this CA, good for a TLS server and client alike. */
  public static Pem issuedBy(Pem authority, Path dir, String name) {
    Pem pem = files(dir, name);
    Path request = dir.resolve(name + ".csr");
    Path extensions = write(dir.resolve(name + ".ext"), "basicConstraints=CA:FALSE\n"
      + "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n");
    openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
      "-subj", "/CN=" + name, "-keyout", pem.key().toString(), "-out", request.toString());
    openssl(dir, "x509", "-req", "-in", request.toString(), "-CA", authority.cert().toString(),
      "-CAkey", authority.key().toString(), "-CAcreateserial", "-days", "2", "-extfile", extensions.toString(),
      "-out", pem.cert().toString());
    return pem;
  }

  /** A self-signed certificate that expired yesterday (openssl re-signs a fresh one with -days -1). */
  public static Pem expired(Path dir, String name) {
    Pem fresh = selfSigned(dir, name + "-fresh");
    Pem pem = new Pem(dir.resolve(name + "-cert.pem"), fresh.key());
    openssl(dir, "x509", "-in", fresh.cert().toString(), "-signkey", fresh.key().toString(), "-days", "-1",
      "-out", pem.cert().toString());
    return pem;
  }

  private static Pem files(Path dir, String name) {
    return new Pem(dir.resolve(name + "-cert.pem"), dir.resolve(name + "-key.pem"));
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("openssl is needed for the TLS tests (Debian: apt-get install openssl)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
