package chat.config;

import chat.support.Certificates;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Certificates named in the config are checked at start: one line naming the key for each way they can be wrong. */
class TlsConfigTest {

  @TempDir
  static Path dir;
  static Certificates.Pem server;
  static Certificates.Pem other;
  static Certificates.Pem clusterCa;
  static Certificates.Pem node;
  static Certificates.Pem strangerCa;
  static Certificates.Pem strangerNode;

  @BeforeAll
  static void makeCertificates() {
    server = Certificates.selfSigned(dir, "server");
    other = Certificates.selfSigned(dir, "other");
    clusterCa = Certificates.authority(dir, "cluster-ca");
    node = Certificates.issuedBy(clusterCa, dir, "node");
    strangerCa = Certificates.authority(dir, "stranger-ca");
    strangerNode = Certificates.issuedBy(strangerCa, dir, "stranger");
  }

  @Test
  void matchingFilesAreTaken() {
    ChatConfig config = ChatConfig.fromJson(new JsonObject()
      .put("http", new JsonObject().put("tls", tls(server.cert(), server.key())))
      .put("cluster", new JsonObject().put("tls", tls(node.cert(), node.key()).put("caPath", clusterCa.cert().toString()))));
    assertEquals(new ChatConfig.Tls(server.cert().toString(), server.key().toString()), config.http().tls().orElseThrow());
    assertEquals(clusterCa.cert().toString(), config.cluster().tls().orElseThrow().caPath());
  }

  @Test
  void missingCertificateNamesItsKey() {
    assertRefused(http(dir.resolve("nope.pem"), server.key()), "'http.tls.certPath': file not found");
  }

  @Test
  void missingKeyNamesItsKey() {
    assertRefused(http(server.cert(), dir.resolve("nope.pem")), "'http.tls.keyPath': file not found");
  }

  @Test
  void aFolderIsNotReadableAsAFile() {
    assertRefused(http(server.cert(), dir), "'http.tls.keyPath': file not readable");
  }

  @Test
  void aKeyWhereTheCertificateShouldBeIsRefused() {
    assertRefused(http(server.key(), server.key()), "'http.tls.certPath': not a PEM certificate");
  }

  @Test
  void aCertificateWhereTheKeyShouldBeIsRefused() {
    assertRefused(http(server.cert(), server.cert()), "'http.tls.keyPath': not a PEM private key");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    assertRefused(http(server.cert(), other.key()), "'http.tls.keyPath': is not the key of the certificate");
  }

  @Test
  void anExpiredCertificateIsRefused() {
    Certificates.Pem expired = Certificates.expired(dir, "expired");
    assertRefused(http(expired.cert(), expired.key()), "'http.tls.certPath': expired on ");
  }

  @Test
  void aNodeCertificateFromAnotherCaIsRefused() {
    assertRefused(new JsonObject().put("cluster", new JsonObject().put("tls",
        tls(strangerNode.cert(), strangerNode.key()).put("caPath", clusterCa.cert().toString()))),
      "'cluster.tls.certPath': is not issued by the CA in");
  }

  @Test
  void aCaFileWithoutCertificatesIsRefused() {
    assertRefused(new JsonObject().put("cluster", new JsonObject().put("tls",
      tls(node.cert(), node.key()).put("caPath", node.key().toString()))), "'cluster.tls.caPath': not a PEM certificate");
  }

  private static JsonObject http(Path cert, Path key) {
    return new JsonObject().put("http", new JsonObject().put("tls", tls(cert, key)));
  }

  private static JsonObject tls(Path cert, Path key) {
    return new JsonObject().put("certPath", cert.toString()).put("keyPath", key.toString());
  }

  private static void assertRefused(JsonObject config, String expected) {
    ConfigException e = assertThrows(ConfigException.class, () -> ChatConfig.fromJson(config));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }
}
