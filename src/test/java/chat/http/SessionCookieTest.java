package chat.http;

import chat.support.ChatFixture;
import chat.support.Http;
import chat.support.Names;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A node behind a TLS proxy, with a tight registration limit. */
class SessionCookieTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject()
    .put("http", new JsonObject().put("secureCookie", true))
    .put("security", new JsonObject().put("registrationsPerAddress", 3)));

  @Test
  void behindTlsTheSessionCookieIsSecure() {
    String name = Names.unique("tls");
    assertEquals(201, chat.http().post("/api/register", Http.registration(name, "correct horse")).status());
    Http.Response login = chat.http().post("/api/login",
      new JsonObject().put("username", name).put("password", "correct horse"));
    String cookie = login.headers().getAll("set-cookie").stream()
      .filter(c -> c.startsWith(HttpVerticle.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertTrue(cookie.contains("Secure"), cookie);
    assertTrue(cookie.contains("SameSite=Strict"), cookie);
  }

  @Test
  void registrationIsThrottledPerAddress() {
    int created = 0;
    Http.Response last = null;
    for (int i = 0; i < 4; i++) {
      last = chat.http().post("/api/register", Http.registration(Names.unique("many"), "correct horse"));
      if (last.status() == 201) {
        created++;
      }
    }
    assertTrue(created <= 3, "created " + created);
    assertEquals(429, last.status());
    assertNotNull(last.headers().get("Retry-After"));
  }
}
