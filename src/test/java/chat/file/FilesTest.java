package chat.file;

import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.bus.RoomId;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files shared in rooms, on one real node: round trips, refusals, the headers a file is served with, ranges. */
class FilesTest {

  static final int MAX = 25 * 1024 * 1024;

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture();

  private static HttpClient client;

  @BeforeAll
  static void client() {
    client = chat.vertx().createHttpClient();
  }

  @AfterAll
  static void closeClient() {
    client.close().await();
  }

  record Answer(int status, MultiMap headers, Buffer body) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  static Answer call(ChatUser user, HttpMethod method, String path, Buffer body, String... headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(chat.port())
      .setURI(path);
    if (user != null) {
      options.putHeader("Cookie", user.http().cookie());
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      options.putHeader(headers[i], headers[i + 1]);
    }
    try {
      return client.request(options)
        .compose(request -> body == null ? request.send() : request.send(body))
        .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), response.headers(), bytes))
          .recover(cut -> Future.succeededFuture(new Answer(response.statusCode(), response.headers(), Buffer.buffer()))))
        .await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path, e);
    }
  }

  static final String BOUNDARY = "----chat-test-boundary";

  /** A multipart body with a file part (and a caption when given). */
  static Buffer multipart(String fileName, String declaredType, byte[] data, String caption) {
    Buffer body = Buffer.buffer();
    if (caption != null) {
      body.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\n" + caption + "\r\n");
    }
    body.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
      + "\"\r\nContent-Type: " + declaredType + "\r\n\r\n");
    body.appendBytes(data).appendString("\r\n--" + BOUNDARY + "--\r\n");
    return body;
  }

  static Answer upload(ChatUser user, String room, String fileName, String declaredType, byte[] data, String caption) {
    return call(user, HttpMethod.POST, "/api/rooms/" + room + "/files", multipart(fileName, declaredType, data, caption),
      "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
  }

  static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xff0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static String url(JsonObject file) {
    return "/files/" + file.getLong("id") + "/" + file.getString("name");
  }

  @Test
  void filesOfEverySizeComeBackByteForByteToAnotherMember() throws Exception {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    for (int size : new int[] {1, 1024 * 1024, MAX}) {
      byte[] data = random(size);
      Answer stored = upload(alice, dm, "data-" + size + ".bin", "application/octet-stream", data, "size " + size);
      assertEquals(201, stored.status(), stored.body().toString());
      JsonObject file = stored.json().getJsonObject("file");
      assertEquals(size, file.getLong("size"));
      assertEquals("size " + size, stored.json().getString("text"));
      Answer got = call(bob, HttpMethod.GET, url(file), null);
      assertEquals(200, got.status());
      assertArrayEquals(sha256(data), sha256(got.body().getBytes()), "the same bytes, size " + size);
      assertEquals(Long.toString(size), got.headers().get("Content-Length"));
      assertTrue(got.headers().get("Content-Disposition").startsWith("attachment;"));
    }
    // in history, with its file
    JsonObject last = bob.bus().request("chat.history", new JsonObject().put("room", dm)).body()
      .getJsonArray("messages").getJsonObject(2);
    assertEquals(MAX, last.getJsonObject("file").getLong("size"));
  }

  @Test
  void emptyOversizedAndMalformedUploadsAreRefusedAndLeaveNothing() {
    ChatUser alice = chat.user("alice");
    Answer empty = upload(alice, "global", "empty.txt", "text/plain", new byte[0], null);
    assertEquals(400, empty.status());
    assertEquals("the file is empty", empty.json().getString("error"));
    Answer tooBig = upload(alice, "global", "big.bin", "application/octet-stream", new byte[MAX + 1], null);
    assertEquals(413, tooBig.status(), tooBig.body().toString());
    Answer noFile = call(alice, HttpMethod.POST, "/api/rooms/global/files",
      Buffer.buffer("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi\r\n--" + BOUNDARY + "--\r\n"),
      "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    assertEquals(400, noFile.status());
    Answer twoFiles = call(alice, HttpMethod.POST, "/api/rooms/global/files",
      Buffer.buffer(multipart("a.txt", "text/plain", "a".getBytes(), null).toString().replace("--" + BOUNDARY + "--\r\n", ""))
        .appendBuffer(multipart("b.txt", "text/plain", "b".getBytes(), null)),
      "Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    assertEquals(400, twoFiles.status(), twoFiles.body().toString());
    assertEquals(404, upload(alice, "topic.nowhere", "a.txt", "text/plain", "a".getBytes(), null).status());
    assertEquals(401, upload(null, "global", "a.txt", "text/plain", "a".getBytes(), null).status());
    // the node keeps serving, and nothing was shared
    assertEquals(0, alice.bus().request("chat.history", new JsonObject().put("room", "global")).body()
      .getJsonArray("messages").stream().filter(m -> ((JsonObject) m).containsKey("file")
        && alice.name().equals(((JsonObject) m).getString("sender"))).count());
  }

  @Test
  void whatABrowserCouldRunIsADownloadWhateverItsNameSays() {
    ChatUser alice = chat.user("alice");
    byte[] html = "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".getBytes(StandardCharsets.UTF_8);
    JsonObject fake = upload(alice, "global", "cat.png", "image/png", html, null).json().getJsonObject("file");
    assertEquals("text/html", fake.getString("type"), "detected from the bytes, not the name or the declared type");
    Answer served = call(alice, HttpMethod.GET, url(fake), null);
    assertEquals("application/octet-stream", served.headers().get("Content-Type"));
    assertTrue(served.headers().get("Content-Disposition").startsWith("attachment;"));
    assertEquals("nosniff", served.headers().get("X-Content-Type-Options"));
    assertEquals("default-src 'none'; sandbox", served.headers().get("Content-Security-Policy"));
    byte[] svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".getBytes(StandardCharsets.UTF_8);
    JsonObject vector = upload(alice, "global", "logo.svg", "image/svg+xml", svg, null).json().getJsonObject("file");
    Answer svgServed = call(alice, HttpMethod.GET, url(vector), null);
    assertEquals("application/octet-stream", svgServed.headers().get("Content-Type"));
    assertTrue(svgServed.headers().get("Content-Disposition").startsWith("attachment;"));
    JsonObject named = upload(alice, "global", "../../etc/pa\u0007ss\u202ewd", "text/plain", "x".getBytes(), null)
      .json().getJsonObject("file");
    assertEquals("passwd", named.getString("name"));
  }

  @Test
  void picturesAreInlineWithAThumbnailAndBombsAreNotDecoded() throws Exception {
    ChatUser alice = chat.user("alice");
    JsonObject picture = upload(alice, "global", "wide.png", "application/octet-stream", png(1600, 800), null)
      .json().getJsonObject("file");
    assertEquals("image/png", picture.getString("type"));
    assertEquals(1600, picture.getInteger("width"));
    Answer full = call(alice, HttpMethod.GET, url(picture), null);
    assertEquals("image/png", full.headers().get("Content-Type"));
    assertTrue(full.headers().get("Content-Disposition").startsWith("inline;"));
    Answer thumb = call(alice, HttpMethod.GET, url(picture) + "?thumb", null);
    assertEquals(200, thumb.status());
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumb.body().getBytes()));
    assertEquals(320, small.getWidth());
    assertEquals(160, small.getHeight());

    // a PNG whose header claims 100,000 x 100,000 pixels: shared, measured, never decoded
    byte[] bomb = png(1, 1);
    java.nio.ByteBuffer.wrap(bomb, 16, 8).putInt(100_000).putInt(100_000);
    Answer bombed = upload(alice, "global", "bomb.png", "image/png", bomb, null);
    assertEquals(201, bombed.status());
    assertEquals(404, call(alice, HttpMethod.GET, url(bombed.json().getJsonObject("file")) + "?thumb", null).status());

    // half a picture: shared, no thumbnail, and the node is fine
    byte[] whole = png(400, 400);
    JsonObject half = upload(alice, "global", "half.png", "image/png", java.util.Arrays.copyOf(whole, whole.length / 2), null)
      .json().getJsonObject("file");
    assertEquals(404, call(alice, HttpMethod.GET, url(half) + "?thumb", null).status());

    // a GIF that is also a page: a GIF it is, shown as a picture only, sandboxed, never sniffed into a page
    byte[] polyglot = "GIF89a/*<html><script>alert(1)</script></html>*/".getBytes(StandardCharsets.US_ASCII);
    JsonObject gif = upload(alice, "global", "x.html", "text/html", polyglot, null).json().getJsonObject("file");
    assertEquals("image/gif", gif.getString("type"));
    Answer served = call(alice, HttpMethod.GET, url(gif), null);
    assertEquals("image/gif", served.headers().get("Content-Type"));
    assertEquals("nosniff", served.headers().get("X-Content-Type-Options"));
    assertEquals("default-src 'none'; sandbox", served.headers().get("Content-Security-Policy"));
  }

  @Test
  void aChannelsModeratorRemovesAMembersFileAndOtherMembersDoNot() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser carol = chat.user("carol");
    String name = ("files" + chat.user("x").name()).toLowerCase(java.util.Locale.ROOT);
    alice.http().post("/api/channels", new JsonObject().put("name", name).put("visibility", "public"));
    for (ChatUser member : java.util.List.of(bob, carol)) {
      member.http().call(HttpMethod.POST, "/api/channels/" + name + "/join", null, null);
    }
    JsonObject file = upload(bob, "channel." + name, "notes.txt", "text/plain", "notes".getBytes(), "mine")
      .json().getJsonObject("file");
    assertEquals(403, call(carol, HttpMethod.DELETE, "/api/files/" + file.getLong("id"), null).status());
    assertEquals(204, call(alice, HttpMethod.DELETE, "/api/files/" + file.getLong("id"), null).status(), "the owner may");
    assertEquals(404, call(bob, HttpMethod.GET, url(file), null).status());
  }

  /** The start of an upload on a raw connection: headers for a body of {@code declared} bytes, then {@code sent} of them. */
  static NetSocket startUpload(ChatUser user, int declared, int sent) {
    NetSocket socket = chat.vertx().createNetClient().connect(chat.port(), "127.0.0.1").await();
    Buffer head = multipart("slow.bin", "application/octet-stream", new byte[0], null);
    String start = head.toString().replace("\r\n--" + BOUNDARY + "--\r\n", "");
    socket.write("POST /api/rooms/global/files HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + user.http().cookie()
      + "\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + (start.length() + declared)
      + "\r\n\r\n" + start).await();
    socket.write(Buffer.buffer(new byte[sent])).await();
    return socket;
  }

  /** Three uploads at once are a user's lot: a fourth is 429; cut off, each gives its place back and leaves no file. */
  @Test
  void uploadsInFlightAreLimitedAndACutOffOneGivesItsPlaceBack() {
    ChatUser alice = chat.user("alice");
    java.util.List<NetSocket> slow = new java.util.ArrayList<>();
    StringBuffer answered = new StringBuffer();
    io.vertx.core.shareddata.LocalMap<String, Integer> inFlight = chat.node().node().vertx().sharedData()
      .getLocalMap("chat.uploads-in-flight");
    for (int i = 0; i < 3; i++) {
      NetSocket socket = startUpload(alice, 2 * 1024 * 1024, 300_000);
      socket.handler(bytes -> answered.append(bytes.toString().lines().findFirst().orElse("")).append("; "));
      slow.add(socket);
      // each is in once the node has read its headers, which may come after a request on another connection: the
      // test waits (bounded) until the node counts it, and a slow upload the node answered says why it did not
      for (int attempt = 0; attempt < 500 && !Integer.valueOf(i + 1).equals(inFlight.get(RoomId.key(alice.name())));
           attempt++) {
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
      assertEquals(i + 1, inFlight.get(RoomId.key(alice.name())), "uploads the node counts; answers: " + answered);
    }
    Answer fourth = upload(alice, "global", "fourth.txt", "text/plain", "4".getBytes(), null);
    assertEquals(429, fourth.status(), fourth.body().toString());
    slow.forEach(socket -> socket.close().await());
    for (int attempt = 0; attempt < 500 && inFlight.get(RoomId.key(alice.name())) != null; attempt++) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L); // bounded: the closes reach the node
    }
    Answer again = upload(alice, "global", "again.txt", "text/plain", "again".getBytes(), null);
    assertEquals(201, again.status(), again.body().toString());
    java.util.List<String> shared = alice.bus().request("chat.history", new JsonObject().put("room", "global")
        .put("limit", 100)).body().getJsonArray("messages").stream().map(m -> (JsonObject) m)
      .filter(m -> alice.name().equals(m.getString("sender")) && m.getJsonObject("file") != null)
      .map(m -> m.getJsonObject("file").getString("name")).toList();
    assertEquals(java.util.List.of("again.txt"), shared, "only the finished upload was shared, none of the cut-off ones");
  }

  @Test
  void rangesGiveTheBytesAskedForAndRefuseTheOnesOutside() {
    ChatUser alice = chat.user("alice");
    byte[] data = random(600_000);
    JsonObject file = upload(alice, "global", "r.bin", "application/octet-stream", data, null).json().getJsonObject("file");
    Answer middle = call(alice, HttpMethod.GET, url(file), null, "Range", "bytes=262000-262999");
    assertEquals(206, middle.status());
    assertEquals("bytes 262000-262999/600000", middle.headers().get("Content-Range"));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 262000, 263000), middle.body().getBytes());
    Answer tail = call(alice, HttpMethod.GET, url(file), null, "Range", "bytes=-10");
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 599990, 600000), tail.body().getBytes());
    assertEquals(416, call(alice, HttpMethod.GET, url(file), null, "Range", "bytes=600000-").status());
    assertEquals(200, call(alice, HttpMethod.GET, url(file), null, "Range", "bytes=x-y").status(), "malformed: ignored");
    assertEquals(404, call(alice, HttpMethod.GET, "/files/abc/r.bin", null).status());
    assertEquals(404, call(alice, HttpMethod.GET, "/files/999999999/r.bin", null).status());
    assertEquals(401, call(null, HttpMethod.GET, url(file), null).status());
  }

  @Test
  void aFileInAPrivateRoomIsNoFileToOthersAndItsUploaderRemovesIt() {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    ChatUser eve = chat.user("eve");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    JsonObject file = upload(alice, dm, "secret.txt", "text/plain", "for bob".getBytes(), null).json().getJsonObject("file");
    assertEquals(404, call(eve, HttpMethod.GET, url(file), null).status());
    assertEquals(404, call(eve, HttpMethod.DELETE, "/api/files/" + file.getLong("id"), null).status());
    assertEquals(403, call(bob, HttpMethod.DELETE, "/api/files/" + file.getLong("id"), null).status());
    assertEquals(403, upload(eve, "channel.nope", "a.txt", "text/plain", "a".getBytes(), null).status());
    bob.bus().register("chat.room." + dm);
    assertEquals(204, call(alice, HttpMethod.DELETE, "/api/files/" + file.getLong("id"), null).status());
    assertEquals("file.removed", bob.bus().next("chat.room." + dm).getString("type"));
    assertEquals(404, call(bob, HttpMethod.GET, url(file), null).status());
    JsonObject inHistory = bob.bus().request("chat.history", new JsonObject().put("room", dm)).body()
      .getJsonArray("messages").getJsonObject(0);
    assertEquals(new JsonObject().put("id", file.getLong("id")).put("removed", true), inHistory.getJsonObject("file"));
  }
}
