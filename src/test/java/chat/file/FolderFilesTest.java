package chat.file;

import chat.bus.RoomId;
import chat.support.ChatFixture;
import chat.support.ChatFixture.ChatUser;
import chat.support.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With files.dir, the bytes live in that folder (a volume every node would mount), not in the database. */
class FolderFilesTest {

  static final Path DIR = TestNode.newDataDir().resolve("shared-files");

  @RegisterExtension
  static final ChatFixture chat = new ChatFixture(new JsonObject().put("files", new JsonObject().put("dir", DIR.toString())));

  private static Buffer upload(HttpClient client, ChatUser user, String room, String name, byte[] data) {
    String boundary = "----folder";
    Buffer body = Buffer.buffer().appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\";"
        + " filename=\"" + name + ".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
      .appendBytes(data).appendString("\r\n--" + boundary + "--\r\n");
    try {
      return client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
          .setPort(chat.port()).setURI("/api/rooms/" + room + "/files").putHeader("Cookie", user.http().cookie())
          .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary))
        .compose(request -> request.send(body)).compose(response -> response.body())
        .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void filesGoToTheFolderAndComeBackWholeOrInPartsAndGoWhenRemoved() throws Exception {
    ChatUser alice = chat.user("alice");
    ChatUser bob = chat.user("bob");
    String dm = RoomId.between(alice.name(), bob.name()).id();
    byte[] data = new byte[700_000];
    new Random(3).nextBytes(data);
    HttpClient client = chat.vertx().createHttpClient();
    // a part whose headers are over 1 KiB (Vert.x's maxFormBufferedBytes) cannot be read: 400, and nothing stays
    JsonObject unreadable = upload(client, alice, dm, "n".repeat(10_000), data).toJsonObject();
    assertEquals("the upload could not be read as multipart/form-data", unreadable.getString("error"));
    JsonObject file = upload(client, alice, dm, "n".repeat(300), data).toJsonObject().getJsonObject("file");
    assertEquals(200, file.getString("name").length(), "a 300-character name is cut to 200");
    Path folder = DIR.resolve(Long.toString(file.getLong("id")));
    try (var folders = Files.list(DIR)) {
      assertEquals(1, folders.count(), "the unreadable upload left nothing");
    }
    try (var chunks = Files.list(folder)) {
      assertEquals(3, chunks.count(), "700,000 bytes are three chunks of at most 256 KiB");
    }
    String url = "/files/" + file.getLong("id") + "/f.bin";
    Buffer whole = client.request(new RequestOptions().setHost("127.0.0.1").setPort(chat.port()).setURI(url)
        .putHeader("Cookie", bob.http().cookie()))
      .compose(request -> request.send()).compose(response -> response.body()).await(30, TimeUnit.SECONDS);
    assertArrayEquals(data, whole.getBytes());
    Buffer part = client.request(new RequestOptions().setHost("127.0.0.1").setPort(chat.port()).setURI(url)
        .putHeader("Cookie", bob.http().cookie()).putHeader("Range", "bytes=500000-500099"))
      .compose(request -> request.send()).compose(response -> response.body()).await(30, TimeUnit.SECONDS);
    assertArrayEquals(Arrays.copyOfRange(data, 500_000, 500_100), part.getBytes());
    int removed = client.request(new RequestOptions().setMethod(HttpMethod.DELETE).setHost("127.0.0.1")
        .setPort(chat.port()).setURI("/api/files/" + file.getLong("id")).putHeader("Cookie", alice.http().cookie()))
      .compose(request -> request.send()).map(response -> response.statusCode()).await(30, TimeUnit.SECONDS);
    assertEquals(204, removed);
    assertFalse(Files.exists(folder), "the bytes went with the file");
    assertTrue(Files.isDirectory(DIR));
    client.close().await();
  }
}
