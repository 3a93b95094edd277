package chat.http;

import chat.config.ChatConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who a request is from, as an attacker would try to bend it: forwarded headers count only from a trusted proxy,
 * the client is the right-most untrusted hop, and no malformed value can crash the request or look trusted.
 */
class ProxyHeadersTest {

  private static final HostAndPort OWN = HostAndPort.create("10.0.0.5", 8081);
  private static final String PROXY = "10.0.0.2";
  private static final String CLIENT = "203.0.113.7";

  private final ProxyHeaders behindNginx = proxyHeaders("x-forwarded", "10.0.0.0/24");

  @Test
  void withoutTrustedProxiesEveryHeaderIsIgnored() {
    ProxyHeaders direct = proxyHeaders("x-forwarded");
    ProxyHeaders.Client client = direct.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", CLIENT,
      "X-Forwarded-Proto", "https", "X-Forwarded-Host", "chat.example.org", "Forwarded", "for=" + CLIENT));
    assertEquals(PROXY, client.address());
    assertEquals("http", client.scheme());
    assertEquals(OWN, client.authority());
    assertFalse(client.trusted());
  }

  @Test
  void anUntrustedPeerCannotPickItsAddressOrOrigin() {
    ProxyHeaders.Client client = behindNginx.resolve("198.51.100.9", "http", OWN, headers(
      "X-Forwarded-For", "10.0.0.2", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "chat.example.org"));
    assertEquals("198.51.100.9", client.address());
    assertEquals("http", client.scheme());
    assertEquals(OWN, client.authority());
    assertFalse(client.trusted());
  }

  @Test
  void aTrustedProxyGivesTheClientAndThePublicOrigin() {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", CLIENT,
      "X-Forwarded-Proto", "https", "X-Forwarded-Host", "chat.example.org"));
    assertEquals(CLIENT, client.address());
    assertEquals("https", client.scheme());
    assertEquals(HostAndPort.create("chat.example.org", -1), client.authority());
    assertFalse(client.trusted());
  }

  @Test
  void whatTheClientWroteLeftOfItsOwnAddressCountsForNothing() {
    // the client sent "X-Forwarded-For: 10.0.0.3, 1.2.3.4"; nginx appended the address it saw
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", "10.0.0.3, 1.2.3.4, " + CLIENT));
    assertEquals(CLIENT, client.address());
  }

  @Test
  void aChainOfTrustedProxiesIsWalkedFromTheRight() {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", "1.2.3.4, " + CLIENT + ", 10.0.0.9", "X-Forwarded-For", "10.0.0.3"));
    assertEquals(CLIENT, client.address());
  }

  @Test
  void aRequestFromTheProxyItselfIsTheProxys() {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN, headers());
    assertEquals(PROXY, client.address());
    assertTrue(client.trusted(), "the operator's own tools on the proxy");
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "unknown", "fe80::1%eth0", "[fe80::1%25eth0]:80", "999.1.1.1", "1.2.3.4:99999",
    "1.2.3.4:port", "[::1", "[::1]x", "_hidden", "\"\"", "", " , ,", "1.2.3.4/8", "localhost", "2001:db8::1:"})
  void aMalformedHopEndsTheWalkAtTheLastAddressRead(String bad) {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", bad + ", 10.0.0.7"));
    assertEquals("10.0.0.7", client.address(), "the trusted hop that handed it on");
    ProxyHeaders.Client alone = behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", bad));
    assertEquals(PROXY, alone.address());
  }

  @Test
  void portsAndIpv6AreUnderstood() {
    assertEquals(CLIENT, behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", CLIENT + ":4711")).address());
    assertEquals("2001:db8::17", behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", "[2001:db8::17]:4711")).address());
    assertEquals("2001:db8::17", behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", "2001:DB8:0::17")).address());
    assertEquals(CLIENT, behindNginx.resolve(PROXY, "http", OWN,
      headers("X-Forwarded-For", "::ffff:" + CLIENT)).address(), "IPv4-mapped is the IPv4 address");
  }

  @Test
  void tooManyHopsStopAtTheLimit() {
    StringBuilder hops = new StringBuilder(CLIENT);
    for (int i = 0; i < 1000; i++) {
      hops.append(", 10.0.0.").append(i % 250);
    }
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", hops.toString()));
    assertTrue(client.address().startsWith("10.0.0."), client.address());
    assertTrue(client.trusted(), "still one of the trusted proxies: nothing made up");
  }

  @Test
  void badSchemeAndHostFallBackToTheRequestsOwn() {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", CLIENT,
      "X-Forwarded-Proto", "javascript", "X-Forwarded-Host", "evil.example/path?x"));
    assertEquals("http", client.scheme());
    assertEquals(OWN, client.authority());
    ProxyHeaders.Client last = behindNginx.resolve(PROXY, "http", OWN, headers("X-Forwarded-For", CLIENT,
      "X-Forwarded-Proto", "http, https", "X-Forwarded-Host", "evil.example, chat.example.org:8443"));
    assertEquals("https", last.scheme(), "the nearest proxy's value");
    assertEquals(HostAndPort.create("chat.example.org", 8443), last.authority());
  }

  @Test
  void inXForwardedModeAForwardedHeaderIsTheClientsOwnAndIgnored() {
    ProxyHeaders.Client client = behindNginx.resolve(PROXY, "http", OWN,
      headers("Forwarded", "for=10.0.0.3;proto=https;host=evil.example", "X-Forwarded-For", CLIENT));
    assertEquals(CLIENT, client.address());
    assertEquals("http", client.scheme());
  }

  @Test
  void forwardedModeReadsTheElementOfTheClient() {
    ProxyHeaders rfc7239 = proxyHeaders("forwarded", "10.0.0.0/24");
    ProxyHeaders.Client client = rfc7239.resolve(PROXY, "http", OWN, headers(
      "Forwarded", "for=1.2.3.4;proto=http;host=evil.example, for=\"" + CLIENT + ":5000\";proto=https;host=chat.example.org",
      "Forwarded", "for=10.0.0.3;proto=http;host=internal", "X-Forwarded-For", "9.9.9.9"));
    assertEquals(CLIENT, client.address());
    assertEquals("https", client.scheme());
    assertEquals(HostAndPort.create("chat.example.org", -1), client.authority());
    assertEquals("2001:db8:cafe::17", rfc7239.resolve(PROXY, "http", OWN,
      headers("Forwarded", "For=\"[2001:db8:cafe::17]:4711\"")).address());
    assertEquals(PROXY, rfc7239.resolve(PROXY, "http", OWN, headers("Forwarded", "for=unknown;proto=https")).address());
  }

  @Test
  void anUnknownPeerIsNobodyInParticular() {
    ProxyHeaders.Client client = behindNginx.resolve(null, "http", null, headers("X-Forwarded-For", CLIENT));
    assertEquals("unknown", client.address());
    assertFalse(client.trusted());
    assertNull(client.authority());
  }

  private static ProxyHeaders proxyHeaders(String family, String... trusted) {
    JsonObject http = new JsonObject().put("forwardedHeaders", family).put("trustedProxies", new JsonArray(java.util.List.of(trusted)));
    return new ProxyHeaders(ChatConfig.fromJson(new JsonObject().put("http", http)).http());
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }
}
