package chat.config;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.X509KeyManager;

/**
 * Certificates and keys named in the config, checked at start the way Vert.x will load them, so that a missing
 * file, a key that is not the certificate's or a certificate from the wrong CA stops the start with one line
 * naming the key, instead of a TLS handshake failing later for every client.
 */
final class PemFiles {

  private PemFiles() {
  }

  /** The certificate (chain) and the private key load, the key is the certificate's, and it has not expired. */
  static void checkKeyPair(String certKey, String certPath, String keyKey, String keyPath) {
    byte[] certPem = read(certKey, certPath);
    X509Certificate leaf = certificates(certKey, certPath, certPem).get(0);
    byte[] keyPem = read(keyKey, keyPath);
    PrivateKey privateKey;
    try {
      // Vert.x's own PEM loader (PKCS#8, PKCS#1 RSA, SEC1 EC), the one the server will use; given the contents
      // rather than paths it reads no file, so it needs no Vert.x instance
      PemKeyCertOptions pem = new PemKeyCertOptions().setKeyValue(Buffer.buffer(keyPem)).setCertValue(Buffer.buffer(certPem));
      String alias = pem.loadKeyStore(null).aliases().nextElement();
      privateKey = ((X509KeyManager) pem.getKeyManagerFactory(null).getKeyManagers()[0]).getPrivateKey(alias);
    } catch (Exception e) {
      privateKey = null;
    }
    if (privateKey == null) {
      throw problem(keyKey, "not a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)", keyPath);
    }
    if (!matches(privateKey, leaf.getPublicKey())) {
      throw problem(keyKey, "is not the key of the certificate in " + certPath, keyPath);
    }
    Instant notAfter = leaf.getNotAfter().toInstant();
    if (notAfter.isBefore(Instant.now())) {
      throw problem(certKey, "expired on " + notAfter, certPath);
    }
  }

  /** The certificate was issued by (one of) the CA certificate(s) in caPath. */
  static void checkSignedBy(String certKey, String certPath, String caKey, String caPath) {
    X509Certificate leaf = certificates(certKey, certPath, read(certKey, certPath)).get(0);
    for (X509Certificate ca : certificates(caKey, caPath, read(caKey, caPath))) {
      try {
        leaf.verify(ca.getPublicKey());
        return;
      } catch (GeneralSecurityException notThisOne) {
        // try the next CA certificate
      }
    }
    throw problem(certKey, "is not issued by the CA in " + caPath + " (no other node would accept it)", certPath);
  }

  private static List<X509Certificate> certificates(String key, String path, byte[] pem) {
    Collection<? extends Certificate> parsed;
    try {
      parsed = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
    } catch (GeneralSecurityException | RuntimeException e) {
      parsed = List.of();
    }
    List<X509Certificate> certificates = new ArrayList<>();
    parsed.forEach(certificate -> certificates.add((X509Certificate) certificate));
    if (certificates.isEmpty()) {
      throw problem(key, "not a PEM certificate", path);
    }
    return certificates;
  }

  /** Signs a random challenge with the private key and checks it with the certificate's public key. */
  private static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    String algorithm = switch (privateKey.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> privateKey.getAlgorithm();
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static byte[] read(String key, String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (NoSuchFileException e) {
      throw problem(key, "file not found", path);
    } catch (AccessDeniedException e) {
      throw problem(key, "file not readable (permission denied)", path);
    } catch (IOException | RuntimeException e) {
      throw problem(key, "file not readable", path);
    }
  }

  private static ConfigException problem(String key, String what, String path) {
    return ConfigException.forKey(key, what + ": " + path);
  }
}
