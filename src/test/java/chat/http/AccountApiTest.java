package chat.http;

import chat.support.Http;
import chat.support.Names;
import chat.support.ChatFixture;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountApiTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private Http http() {
    return chat.http();
  }

  @Test
  void registerAnswersWithNameAndEmailButNeverThePassword() {
    String name = Names.unique("Reg");
    Http.Response response = http().post("/api/register", Http.registration(name, "correct horse"));
    assertEquals(201, response.status());
    assertEquals(new JsonObject().put("username", name).put("email", name + "@example.test"), response.json());
  }

  static Stream<Arguments> badRegistrations() {
    String longPassword = "é".repeat(37); // 37 characters, 74 UTF-8 bytes: over bcrypt's 72-byte limit
    return Stream.of(
      Arguments.of("username too short", form("a", "a@x.io", "longenough1"), "username"),
      Arguments.of("username with space", form("bad name", "a@x.io", "longenough1"), "username"),
      Arguments.of("username confusable cyrillic", form("аlice", "a@x.io", "longenough1"), "username"),
      Arguments.of("username too long", form("a".repeat(21), "a@x.io", "longenough1"), "username"),
      Arguments.of("username as number", form("x", "a@x.io", "longenough1").put("username", 42), "username"),
      Arguments.of("email without domain", form("okname", "a@", "longenough1"), "email"),
      Arguments.of("email as array", form("okname", "a@x.io", "longenough1").put("email", new io.vertx.core.json.JsonArray()), "email"),
      Arguments.of("password too short", form("okname", "a@x.io", "short"), "password"),
      Arguments.of("password over 72 bytes", form("okname", "a@x.io", longPassword), "password"),
      Arguments.of("password too common", form("okname", "a@x.io", "password123"), "password"),
      Arguments.of("password as number", form("okname", "a@x.io", "x").put("password", 12345678).put("confirmPassword", "12345678"), "password"),
      Arguments.of("confirmation differs", form("okname", "a@x.io", "longenough1").put("confirmPassword", "other-one"), "confirmPassword"),
      Arguments.of("confirmation missing", form("okname", "a@x.io", "longenough1").putNull("confirmPassword"), "confirmPassword"));
  }

  private static JsonObject form(String username, String email, String password) {
    return new JsonObject().put("username", username).put("email", email).put("password", password)
      .put("confirmPassword", password);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRegistrations")
  void badRegistrationNamesTheFieldAndCreatesNobody(String why, JsonObject form, String field) {
    Http.Response response = http().post("/api/register", form);
    assertEquals(400, response.status(), response.body());
    JsonObject errors = response.json().getJsonObject("errors");
    assertNotNull(errors.getString(field), response.body());
    assertEquals(1, errors.size(), "only the bad field is named: " + response.body());
    if (form.getValue("username") instanceof String name && name.matches("[A-Za-z0-9_-]{2,20}")
      && form.getValue("password") instanceof String) {
      assertEquals(401, http().post("/api/login", new JsonObject().put("username", name)
        .put("password", form.getValue("password"))).status());
    }
  }

  @Test
  void everyBadFieldIsListedAtOnce() {
    Http.Response response = http().post("/api/register", new JsonObject());
    assertEquals(400, response.status());
    JsonObject errors = response.json().getJsonObject("errors");
    assertEquals(java.util.Set.of("username", "email", "password", "confirmPassword"), errors.fieldNames());
  }

  @Test
  void usernameAndEmailAreUniqueIgnoringCase() {
    String name = Names.unique("Case");
    assertEquals(201, http().post("/api/register", Http.registration(name, "correct horse")).status());

    Http.Response sameName = http().post("/api/register",
      form(name.toUpperCase(), "other-" + name + "@example.test", "correct horse"));
    assertEquals(409, sameName.status());
    assertNotNull(sameName.json().getJsonObject("errors").getString("username"));

    Http.Response sameEmail = http().post("/api/register",
      form(name + "x", (name + "@example.test").toUpperCase(), "correct horse"));
    assertEquals(409, sameEmail.status());
    assertNotNull(sameEmail.json().getJsonObject("errors").getString("email"));
  }

  @Test
  void loginAcceptsAnyCaseAndAnswersWithTheNameAsRegistered() {
    String name = Names.unique("MiXed");
    http().post("/api/register", Http.registration(name, "correct horse"));
    Http client = http();
    Http.Response login = client.post("/api/login",
      new JsonObject().put("username", name.toLowerCase()).put("password", "correct horse"));
    assertEquals(200, login.status());
    assertEquals(name, login.json().getString("username"));
    assertEquals(name, client.get("/api/me").json().getString("username"));
    assertEquals(name + "@example.test", client.get("/api/me").json().getString("email"));
  }

  @Test
  void sessionCookieIsHttpOnlyStrictAndRotatedAtLogin() {
    String name = Names.unique("Cookie");
    http().post("/api/register", Http.registration(name, "correct horse"));
    Http client = http().logIn(name, "correct horse");
    String before = client.cookie();
    assertNotNull(before);
    Http.Response login = client.post("/api/login",
      new JsonObject().put("username", name).put("password", "correct horse"));
    String setCookie = login.headers().getAll("set-cookie").stream()
      .filter(c -> c.startsWith(HttpVerticle.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertTrue(setCookie.contains("HTTPOnly") || setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
    assertNotEquals(before, client.cookie(), "a new session id at login");
  }

  @Test
  void wrongPasswordAndUnknownUserLookTheSame() {
    String name = Names.unique("Same");
    http().post("/api/register", Http.registration(name, "correct horse"));
    Http.Response wrongPassword = http().post("/api/login",
      new JsonObject().put("username", name).put("password", "wrong horse"));
    Http.Response unknownUser = http().post("/api/login",
      new JsonObject().put("username", name + "zz").put("password", "correct horse"));
    assertEquals(401, wrongPassword.status());
    assertEquals(401, unknownUser.status());
    assertEquals(wrongPassword.body(), unknownUser.body());
  }

  @Test
  void passwordLongerThan72BytesNeverLogsInAsItsPrefix() {
    String name = Names.unique("Long");
    String password = "p".repeat(72);
    assertEquals(201, http().post("/api/register", Http.registration(name, password)).status());
    assertEquals(401, http().post("/api/login",
      new JsonObject().put("username", name).put("password", password + "extra")).status());
    assertEquals(200, http().post("/api/login",
      new JsonObject().put("username", name).put("password", password)).status());
  }

  @Test
  void logoutEndsTheSession() {
    Http client = http().signUp(Names.unique("Bye"));
    assertEquals(200, client.get("/api/me").status());
    assertEquals(204, client.post("/api/logout", null).status());
    assertEquals(401, client.get("/api/me").status());
  }

  @Test
  void apiNeedsALogin() {
    for (String path : new String[]{"/api/me", "/api/rooms", "/api/users"}) {
      Http.Response response = http().get(path);
      assertEquals(401, response.status(), path);
      assertNotNull(response.json().getString("error"));
    }
    assertEquals(401, http().post("/api/logout", null).status());
  }

  // The API is served by one class per resource behind one login wall: these pin what the wall lets through.
  @Test
  void everyCallButRegisterAndLoginNeedsALoginEvenOneThatDoesNotExist() {
    String[][] calls = {{"POST", "/api/logout"}, {"GET", "/api/me"}, {"GET", "/api/rooms"}, {"GET", "/api/users"},
      {"GET", "/api/unread"}, {"GET", "/api/private-rooms"}, {"POST", "/api/profile/email"},
      {"POST", "/api/profile/password"}, {"GET", "/api/no-such-call"}, {"GET", "/api/login"}};
    for (String[] call : calls) {
      Http.Response response = call[0].equals("POST") ? http().post(call[1], new JsonObject()) : http().get(call[1]);
      assertEquals(401, response.status(), call[0] + " " + call[1]);
      assertEquals("not logged in", response.json().getString("error"), call[0] + " " + call[1]);
    }
  }

  @Test
  void aCallThatDoesNotExistIsAJsonNotFoundOnceLoggedIn() {
    Http client = http().signUp(Names.unique("Lost"));
    for (String[] call : new String[][]{{"GET", "/api/no-such-call"}, {"POST", "/api/me"}, {"GET", "/api/logout"}}) {
      Http.Response response = call[0].equals("POST") ? client.post(call[1], new JsonObject()) : client.get(call[1]);
      assertEquals(404, response.status(), call[0] + " " + call[1]);
      assertEquals("no such endpoint", response.json().getString("error"), call[0] + " " + call[1]);
    }
  }

  @Test
  void roomsListGlobalThenConfiguredTopics() {
    Http client = http().signUp(Names.unique("Rooms"));
    JsonObject rooms = client.get("/api/rooms").json();
    assertEquals(new JsonObject("{\"rooms\":[{\"id\":\"global\"},{\"id\":\"topic.general\"},{\"id\":\"topic.news\"}]}"),
      rooms);
  }

  @Test
  void usersByPrefixSortedAndLimited() {
    String prefix = Names.unique("zq");
    Http client = http().signUp(prefix + "b");
    http().signUp(prefix + "C");
    http().signUp(prefix + "a");
    JsonObject all = client.get("/api/users?q=" + prefix).json();
    assertEquals(3, all.getJsonArray("users").size());
    assertEquals(prefix + "a", all.getJsonArray("users").getJsonObject(0).getString("username"));
    assertEquals(prefix + "b", all.getJsonArray("users").getJsonObject(1).getString("username"));
    assertEquals(prefix + "C", all.getJsonArray("users").getJsonObject(2).getString("username"));
    assertEquals(2, client.get("/api/users?limit=2&q=" + prefix.toUpperCase()).json().getJsonArray("users").size());
    assertEquals(400, client.get("/api/users?limit=0").status());
    assertEquals(400, client.get("/api/users?limit=101").status());
    assertEquals(400, client.get("/api/users?limit=ten").status());
    assertEquals(400, client.get("/api/users?q=%25").status());
  }

  @Test
  void bodiesThatAreNotJsonObjectsAreRefusedAndTheServerGoesOn() {
    Http client = http();
    assertEquals(400, client.call(HttpMethod.POST, "/api/register", "not json", "application/json").status());
    assertEquals(400, client.call(HttpMethod.POST, "/api/register", "[1,2]", "application/json").status());
    assertEquals(415, client.call(HttpMethod.POST, "/api/login", "{}", "text/plain").status());
    assertEquals(413, client.call(HttpMethod.POST, "/api/register",
      "{\"username\":\"" + "x".repeat(20_000) + "\"}", "application/json").status());
    Http.Response error = client.call(HttpMethod.POST, "/api/login", "{", "application/json");
    assertFalse(error.body().contains("Exception"), error.body());
    assertEquals(201, client.post("/api/register", Http.registration(Names.unique("After"), "correct horse")).status());
  }
}
