package chat.keys;

import chat.bus.RoomId;
import chat.support.BridgeClient;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.E2eKeys;
import chat.support.Http;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end encryption's server side on one real node (issue 20): keys published and looked up, backups kept as
 * opaque blobs, a private room switched to encrypted, and what its sends may be. The server never decrypts, so the
 * blobs here are random bytes of the right shape; the crypto itself is tested in src/test/js/e2e-crypto.test.mjs.
 */
class E2eTest {

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private static String publish(ChatUser user, JsonObject identity) {
    Http.Response published = put(user, "/api/keys", identity);
    assertEquals(200, published.status(), published.body());
    return published.json().getString("fingerprint");
  }

  private static Http.Response put(ChatUser user, String path, JsonObject body) {
    return user.http().call(HttpMethod.PUT, path, body.encode(), "application/json");
  }

  private static Http.Response encrypt(ChatUser user, String room) {
    return user.http().call(HttpMethod.POST, "/api/private-rooms/" + room + "/encryption", null, null);
  }

  private static String notices(ChatUser user) {
    String address = "chat.user." + user.name().toLowerCase(Locale.ROOT);
    user.bus().register(address);
    return address;
  }

  /** Two users with keys in an encrypted private room: [room, alice's fingerprint, bob's]. */
  private record Pair(ChatUser alice, ChatUser bob, String room, String aliceKeys, String bobKeys) {
  }

  private static Pair encryptedPair() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String aliceKeys = publish(alice, E2eKeys.identity());
    String bobKeys = publish(bob, E2eKeys.identity());
    String room = RoomId.between(alice.name(), bob.name()).id();
    Http.Response switched = encrypt(alice, room);
    assertEquals(200, switched.status(), switched.body());
    return new Pair(alice, bob, room, aliceKeys, bobKeys);
  }

  private static void assertRefused(int code, String start, BridgeClient.Reply reply) {
    assertEquals(code, reply.failureCode(), reply.frame().encode());
    assertTrue(reply.frame().getString("message").startsWith(start), reply.frame().encode());
  }

  @Test
  void publicKeysArePublishedLookedUpByAnyoneAndTheFingerprintIsTheKeys() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    assertEquals(404, bob.http().get("/api/keys/" + alice.name()).status(), "no keys yet");

    JsonObject identity = E2eKeys.identity();
    String fingerprint = publish(alice, identity);
    assertEquals(PublicKeys.fingerprint(identity.getJsonObject("ecdh"), identity.getJsonObject("ecdsa")), fingerprint);
    Http.Response found = bob.http().get("/api/keys/" + alice.name());
    assertEquals(200, found.status(), found.body());
    assertEquals(identity.copy().put("fingerprint", fingerprint), found.json());
    assertEquals(fingerprint, publish(alice, identity), "the same keys again change nothing");
    assertEquals(404, bob.http().get("/api/keys/nobody-such").status());
  }

  @Test
  void keysThatAreNotPublicP256KeysAreRefusedNamingTheFieldAndChangeNothing() {
    ChatUser alice = chat.user("alice");
    JsonObject good = E2eKeys.identity();
    String fingerprint = publish(alice, good);
    JsonObject offCurve = E2eKeys.publicJwk();
    offCurve.put("y", E2eKeys.coordinate(new java.math.BigInteger(1,
      java.util.Base64.getUrlDecoder().decode(offCurve.getString("y"))).add(java.math.BigInteger.ONE)));
    List<JsonObject> bad = List.of(
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("d", E2eKeys.coordinate(java.math.BigInteger.TEN))),
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("crv", "P-384")),
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("kty", "RSA")),
      E2eKeys.identity().put("ecdh", offCurve),
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("x", "not base64!")),
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("x", "AAAA")),
      E2eKeys.identity().put("ecdh", E2eKeys.publicJwk().put("key_ops", List.of("deriveBits"))),
      E2eKeys.identity().put("ecdh", "a string"));
    for (JsonObject keys : bad) {
      Http.Response refused = put(alice, "/api/keys", keys);
      assertEquals(400, refused.status(), keys.encode());
      assertTrue(refused.json().getJsonObject("errors").containsKey("ecdh"), refused.body());
    }
    Http.Response noSigningKey = put(alice, "/api/keys", new JsonObject().put("ecdh", E2eKeys.publicJwk()));
    assertEquals(400, noSigningKey.status());
    assertTrue(noSigningKey.json().getJsonObject("errors").containsKey("ecdsa"), noSigningKey.body());
    assertEquals(fingerprint, alice.http().get("/api/keys/" + alice.name()).json().getString("fingerprint"));
  }

  @Test
  void aBackupIsKeptAsSentForItsOwnerOnlyWithinItsSize() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    assertEquals(404, alice.http().get("/api/keys/backup").status());
    JsonObject backup = new JsonObject().put("v", 1).put("kdf", "PBKDF2-SHA-256").put("iterations", 600000)
      .put("salt", E2eKeys.random(16)).put("ecdh", new JsonObject().put("iv", E2eKeys.random(12))
        .put("wrapped", E2eKeys.random(200)));
    assertEquals(204, put(alice, "/api/keys/backup", backup).status());
    assertEquals(backup, alice.http().get("/api/keys/backup").json());
    assertEquals(404, bob.http().get("/api/keys/backup").status(), "a backup is its owner's only");

    Http.Response tooBig = put(alice, "/api/keys/backup", new JsonObject().put("wrapped", E2eKeys.random(7000)));
    assertEquals(400, tooBig.status());
    assertTrue(tooBig.json().getJsonObject("errors").containsKey("backup"), tooBig.body());
    assertEquals(400, alice.http().call(HttpMethod.PUT, "/api/keys/backup", "[1, 2]", "application/json").status());
    assertEquals(backup, alice.http().get("/api/keys/backup").json(), "the refused ones changed nothing");

    assertEquals(404, put(bob, "/api/keys/" + alice.name(), E2eKeys.identity()).status(),
      "nobody writes someone else's keys: there is no such endpoint");
    Http.Response named = chat.http().post("/api/register", Http.registration("Backup", Http.passwordOf("backup")));
    assertEquals(400, named.status(), "nobody may be called backup: it is the backup's path");
    assertEquals("reserved: choose another", named.json().getJsonObject("errors").getString("username"));
  }

  @Test
  void aPrivateRoomIsEncryptedOnlyWhenBothHaveKeysAndThePartnerIsTold() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser carol = chat.user("carol");
    String room = RoomId.between(alice.name(), bob.name()).id();
    String bobNotices = notices(bob);

    Http.Response noKeys = encrypt(alice, room);
    assertEquals(409, noKeys.status());
    assertTrue(noKeys.json().getString("error").startsWith("you have no keys yet"), noKeys.body());
    publish(alice, E2eKeys.identity());
    Http.Response partnerHasNone = encrypt(alice, room);
    assertEquals(409, partnerHasNone.status());
    assertTrue(partnerHasNone.json().getString("error").startsWith(bob.name().toLowerCase(Locale.ROOT) + " has no keys yet"),
      partnerHasNone.body());
    publish(bob, E2eKeys.identity());
    publish(carol, E2eKeys.identity());
    assertEquals(403, encrypt(carol, room).status(), "not a member");
    assertEquals(404, encrypt(alice, "global").status());
    assertFalse(alice.http().get("/api/private-rooms/" + room + "/encryption").json().getBoolean("encrypted"));

    Http.Response switched = encrypt(alice, room);
    assertEquals(200, switched.status(), switched.body());
    assertEquals(alice.name(), switched.json().getString("by"));
    JsonObject notice = bob.bus().take(frame -> bobNotices.equals(frame.getString("address"))
      && "encryption".equals(frame.getJsonObject("body").getString("type"))).getJsonObject("body");
    assertEquals(room, notice.getString("room"));
    assertEquals(alice.name(), notice.getString("by"));
    JsonObject state = bob.http().get("/api/private-rooms/" + room + "/encryption").json();
    assertTrue(state.getBoolean("encrypted"));
    assertEquals(alice.name(), state.getString("by"));
    assertEquals(200, encrypt(bob, room).status(), "asked again, it is as it was");
  }

  @Test
  void anEncryptedRoomTakesBlobsOnlyStoresThemAsSentAndNeverTwice() {
    Pair pair = encryptedPair();
    pair.bob().bus().register("chat.room." + pair.room());

    assertRefused(400, "text: ", pair.alice().bus().request("chat.send",
      new JsonObject().put("room", pair.room()).put("text", "in clear")));
    JsonObject blob = E2eKeys.blob(pair.aliceKeys(), pair.bobKeys());
    BridgeClient.Reply stored = pair.alice().bus().request("chat.send", E2eKeys.send(pair.room(), blob));
    assertFalse(stored.failed(), stored.frame().encode());
    assertEquals(blob, stored.body().getJsonObject("e2e"));
    assertFalse(stored.body().containsKey("text"), "an encrypted message has no text");

    JsonObject relayed = pair.bob().bus().next("chat.room." + pair.room());
    assertEquals(blob, relayed.getJsonObject("e2e"));
    assertEquals(stored.body().getLong("id"), relayed.getLong("id"));
    assertFalse(relayed.containsKey("text"));

    BridgeClient.Reply replayed = pair.alice().bus().request("chat.send", E2eKeys.send(pair.room(), blob));
    assertEquals(stored.body().getLong("id"), replayed.body().getLong("id"), "the same blob is the same message");
    BridgeClient.Reply noCid = pair.alice().bus().request("chat.send",
      new JsonObject().put("room", pair.room()).put("e2e", blob));
    assertEquals(stored.body().getLong("id"), noCid.body().getLong("id"), "its cid comes from its salt");

    List<JsonObject> history = pair.bob().bus().historyAfter(pair.room(), 0);
    assertEquals(1, history.size(), "stored once");
    assertEquals(blob, history.get(0).getJsonObject("e2e"));
    assertFalse(history.get(0).containsKey("text"));
  }

  @Test
  void badBlobsAreRefusedNamingTheFieldAndNothingIsStored() {
    Pair pair = encryptedPair();
    String from = pair.aliceKeys();
    String to = pair.bobKeys();
    record Bad(String field, JsonObject send) {
    }
    JsonObject good = E2eKeys.blob(from, to);
    List<Bad> bad = List.of(
      new Bad("text", E2eKeys.send(pair.room(), good.copy()).put("text", "and in clear")),
      new Bad("e2e.v", E2eKeys.send(pair.room(), good.copy().put("v", 2))),
      new Bad("e2e.salt", E2eKeys.send(pair.room(), good.copy().put("salt", E2eKeys.random(31)))),
      new Bad("e2e.iv", E2eKeys.send(pair.room(), good.copy().put("iv", E2eKeys.random(16)))),
      new Bad("e2e.sig", E2eKeys.send(pair.room(), good.copy().put("sig", E2eKeys.random(63)))),
      new Bad("e2e.ciphertext", E2eKeys.send(pair.room(), good.copy().put("ciphertext", E2eKeys.random(16)))),
      new Bad("e2e.ciphertext", E2eKeys.send(pair.room(), good.copy().put("ciphertext", E2eKeys.random(10_241)))),
      new Bad("e2e.ciphertext", E2eKeys.send(pair.room(), good.copy().put("ciphertext", "not*base64*at*all=="))),
      new Bad("e2e.ciphertext", E2eKeys.send(pair.room(), good.copy().put("ciphertext", 42))),
      new Bad("e2e.from", E2eKeys.send(pair.room(), good.copy().put("from", "ABC"))),
      new Bad("e2e", E2eKeys.send(pair.room(), good.copy().put("extra", "x"))),
      new Bad("e2e", new JsonObject().put("room", pair.room()).put("e2e", "a string")),
      new Bad("cid", E2eKeys.send(pair.room(), good.copy()).put("cid", "mine")),
      new Bad("e2e", E2eKeys.send("global", E2eKeys.blob(null, null))));
    for (Bad refused : bad) {
      assertRefused(400, refused.field() + ": ", pair.alice().bus().request("chat.send", refused.send()));
    }
    assertEquals(List.of(), pair.alice().bus().historyAfter(pair.room(), 0), "nothing was stored");
  }

  @Test
  void aRoomNotEncryptedTakesNoBlobAndAFileNeverGoesToAnEncryptedOne() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String plain = RoomId.between(alice.name(), bob.name()).id();
    assertRefused(400, "e2e: ", alice.bus().request("chat.send", E2eKeys.send(plain, E2eKeys.blob(null, null))));

    Pair pair = encryptedPair();
    Http.Response upload = pair.alice().http().callWithHeaders(HttpMethod.POST, "/api/rooms/" + pair.room() + "/files",
      "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
        + "secret\r\n--b--\r\n", "multipart/form-data; boundary=b");
    assertEquals(403, upload.status(), upload.body());
    assertTrue(upload.body().contains("files are not end-to-end encrypted"), upload.body());
    assertEquals(List.of(), pair.alice().bus().historyAfter(pair.room(), 0));
  }

  @Test
  void aKeyChangeIsToldToThePartnerAndASendMadeWithTheOldKeysIsRefused() {
    Pair pair = encryptedPair();
    String bobNotices = notices(pair.bob());
    String aliceNotices = notices(pair.alice());
    JsonObject oldIdentity = pair.alice().http().get("/api/keys/" + pair.alice().name()).json();

    JsonObject fresh = E2eKeys.identity();
    String newKeys = publish(pair.alice(), fresh);
    JsonObject notice = pair.bob().bus().take(frame -> bobNotices.equals(frame.getString("address"))
      && "keys".equals(frame.getJsonObject("body").getString("type"))).getJsonObject("body");
    assertEquals(pair.alice().name(), notice.getString("user"));
    assertEquals(newKeys, notice.getString("fingerprint"));
    JsonObject own = pair.alice().bus().take(frame -> aliceNotices.equals(frame.getString("address"))
      && "keys".equals(frame.getJsonObject("body").getString("type"))).getJsonObject("body");
    assertEquals(newKeys, own.getString("fingerprint"), "her other browsers hold the keys just replaced");

    assertRefused(409, "e2e.to: ", pair.bob().bus().request("chat.send",
      E2eKeys.send(pair.room(), E2eKeys.blob(pair.bobKeys(), pair.aliceKeys()))));
    assertRefused(409, "e2e.from: ", pair.alice().bus().request("chat.send",
      E2eKeys.send(pair.room(), E2eKeys.blob(pair.aliceKeys(), pair.bobKeys()))));
    BridgeClient.Reply sent = pair.bob().bus().request("chat.send",
      E2eKeys.send(pair.room(), E2eKeys.blob(pair.bobKeys(), newKeys)));
    assertFalse(sent.failed(), sent.frame().encode());

    assertEquals(oldIdentity, pair.bob().http().get("/api/keys/" + pair.alice().name() + "/" + pair.aliceKeys()).json(),
      "the earlier identity is still there for the messages made with it");
    assertEquals(newKeys, pair.bob().http().get("/api/keys/" + pair.alice().name()).json().getString("fingerprint"));
    assertEquals(404, pair.bob().http().get("/api/keys/" + pair.alice().name() + "/" + "0".repeat(64)).status());
    assertEquals(400, pair.bob().http().get("/api/keys/" + pair.alice().name() + "/XYZ").status());
    Http.Response back = put(pair.alice(), "/api/keys", new JsonObject().put("ecdh", oldIdentity.getJsonObject("ecdh"))
      .put("ecdsa", oldIdentity.getJsonObject("ecdsa")));
    assertEquals(409, back.status(), "an identity once replaced does not come back");
  }

  /** A script that publishes new keys as fast as it can: 30 at once, of which the day's 10 are kept, no more. */
  @Test
  void newKeysAtOnceArePublishedAtMostTenADay() throws Exception {
    ChatUser mallory = chat.user("mallory");
    List<JsonObject> identities = java.util.stream.IntStream.range(0, 30).mapToObj(i -> E2eKeys.identity()).toList();
    List<Http.Response> answers = io.vertx.core.Future.all(identities.stream().map(identity -> mallory.http()
        .callAsync(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.PUT).setURI("/api/keys")
          .putHeader("Content-Type", "application/json"), identity.encode())).toList())
      .await(java.time.Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
      .<Http.Response>list();
    List<String> kept = new java.util.ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      Http.Response answer = answers.get(i);
      assertTrue(answer.status() == 200 || answer.status() == 429, answer.status() + " " + answer.body());
      String fingerprint = PublicKeys.fingerprint(identities.get(i).getJsonObject("ecdh"),
        identities.get(i).getJsonObject("ecdsa"));
      int found = mallory.http().get("/api/keys/" + mallory.name() + "/" + fingerprint).status();
      if (answer.status() == 200) {
        kept.add(fingerprint);
        assertEquals(200, found, "a kept identity is there");
      } else {
        assertEquals(404, found, "a refused identity is not: " + answer.body());
      }
    }
    assertEquals(KeysVerticle.MAX_IDENTITIES_PER_DAY, kept.size(), "the day's places, each taken once");
    assertTrue(kept.contains(mallory.http().get("/api/keys/" + mallory.name()).json().getString("fingerprint")));
    Http.Response oneMore = put(mallory, "/api/keys", E2eKeys.identity());
    assertEquals(429, oneMore.status(), oneMore.body());
  }
}
