package chat.process;

import chat.support.Http;
import chat.support.NodeProcess;
import chat.support.Ports;
import chat.support.ProcessFixture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A node with a 256 MiB heap takes ten 25 MiB files at once and gives them back at once: no file is ever whole in
 * its memory (ten would be 250 MiB), so it neither fails nor runs out of heap, and every byte comes back.
 */
class FileHeapIT {

  static final int SIZE = 25 * 1024 * 1024;
  static final int FILES = 10;
  static final String BOUNDARY = "----heap-test";

  @RegisterExtension
  final ProcessFixture processes = new ProcessFixture();

  @Test
  void tenLargeFilesAtOnceThroughASmallHeap() throws Exception {
    int port = Ports.free();
    JsonObject config = ProcessFixture.nodeConfig(port, "jdbc:hsqldb:file:" + processes.dir().resolve("db").resolve("chat"))
      .put("files", new JsonObject().put("uploadsAtOnce", FILES));
    NodeProcess node = processes.node("node", config, 1, Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m"));
    List<Http> users = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      users.add(new Http(processes.vertx(), port).signUp("heap" + i));
    }
    byte[] data = new byte[SIZE];
    new Random(7).nextBytes(data);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    Buffer body = Buffer.buffer()
      .appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n")
      .appendBytes(data).appendString("\r\n--" + BOUNDARY + "--\r\n");
    HttpClient client = processes.vertx().createHttpClient(new PoolOptions().setHttp1MaxSize(FILES * 2));

    List<Future<JsonObject>> uploads = new ArrayList<>();
    for (Http user : users) {
      uploads.add(client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
          .setURI("/api/rooms/global/files").putHeader("Cookie", user.cookie())
          .putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY))
        .compose(request -> request.send(body.copy()))
        .compose(response -> response.body().map(answer -> {
          assertEquals(201, response.statusCode(), answer.toString());
          return answer.toJsonObject().getJsonObject("file");
        })));
    }
    List<JsonObject> stored = Future.all(uploads).await(300, TimeUnit.SECONDS).list();

    List<Future<String>> downloads = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      JsonObject file = stored.get(i);
      downloads.add(client.request(new RequestOptions().setHost("127.0.0.1").setPort(port)
          .setURI("/files/" + file.getLong("id") + "/big.bin").putHeader("Cookie", users.get(i).cookie()))
        .compose(request -> request.send())
        .compose(response -> {
          // hashed as it streams in: the test holds no copy either
          MessageDigest digest = sha256();
          Promise<String> hashed = Promise.promise();
          response.handler(chunk -> digest.update(chunk.getBytes()));
          response.endHandler(v -> hashed.complete(HexFormat.of().formatHex(digest.digest())));
          response.exceptionHandler(hashed::fail);
          return hashed.future();
        }));
    }
    List<String> hashes = Future.all(downloads).await(300, TimeUnit.SECONDS).list();
    hashes.forEach(hash -> assertEquals(expected, hash));
    assertFalse(node.log().contains("OutOfMemoryError"), node.log());
    assertEquals("UP", processes.health(port).getString("status"));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
