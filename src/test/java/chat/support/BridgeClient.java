package chat.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw SockJS WebSocket client on {@code /eventbus/websocket} speaking the bridge's JSON frames, exactly as
 * vertx-eventbus.js does. Frames are kept in arrival order; the test thread waits for the one it wants.
 */
public final class BridgeClient implements AutoCloseable {

  public static final Duration WAIT = Duration.ofSeconds(15);

  /** A reply to a request: a body, or a failure with its code. */
  public record Reply(JsonObject frame) {
    public boolean failed() {
      return "err".equals(frame.getString("type"));
    }

    public int failureCode() {
      return frame.getInteger("failureCode", -1);
    }

    public JsonObject body() {
      if (failed()) {
        throw new AssertionError("expected a reply, got failure " + frame.encode());
      }
      return frame.getJsonObject("body");
    }
  }

  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonObject> frames = new ArrayList<>();
  private final long pingTimer;
  private final Vertx vertx;
  private boolean closed;
  /** The status code of the server's close frame; null while open or when the connection just dropped. */
  private Short closeStatus;

  private BridgeClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    try {
      socket.handler(data -> arrived(data.toJsonObject()));
      socket.closeHandler(v -> {
        synchronized (frames) {
          closeStatus = socket.closeStatusCode();
          closed = true;
          frames.notifyAll();
        }
      });
    } catch (IllegalStateException alreadyClosed) {
      // the server closed it as soon as it opened (e.g. one socket too many): that is an answer too
      closeStatus = socket.closeStatusCode();
      closed = true;
    }
    // the bridge closes a socket that has not pinged for 10 s
    pingTimer = vertx.setPeriodic(5000, id -> socket.writeTextMessage("{\"type\":\"ping\"}"));
  }

  public static BridgeClient connect(Vertx vertx, int port, String cookie) {
    return connect(vertx, port, cookie, Duration.ofSeconds(30));
  }

  /** The same, given up (as refused) when the socket is not open within this time. */
  public static BridgeClient connect(Vertx vertx, int port, String cookie, Duration timeout) {
    return connect(vertx, new WebSocketClientOptions(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port), cookie, timeout);
  }

  /**
   * On any connection: TLS and its trust or a source address in {@code client}; host, port and extra headers
   * (Origin, X-Forwarded-*) in {@code connect}, whose URI is set to the bridge's.
   */
  public static BridgeClient connect(Vertx vertx, WebSocketClientOptions client, WebSocketConnectOptions connect,
                                     String cookie, Duration timeout) {
    WebSocketClient webSockets = vertx.createWebSocketClient(client.setMaxFrameSize(1024 * 1024));
    connect.setURI("/eventbus/websocket");
    if (cookie != null) {
      connect.addHeader("Cookie", cookie);
    }
    try {
      return new BridgeClient(vertx, webSockets, webSockets.connect(connect).await(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      webSockets.close();
      throw new BridgeRefused(e);
    }
  }

  /** The server would not open the socket. */
  public static final class BridgeRefused extends RuntimeException {
    BridgeRefused(Throwable cause) {
      super(cause);
    }
  }

  private void arrived(JsonObject frame) {
    synchronized (frames) {
      frames.add(frame);
      frames.notifyAll();
    }
  }

  public void sendFrame(JsonObject frame) {
    sendRaw(frame.encode());
  }

  public void sendRaw(String text) {
    socket.writeTextMessage(text).await();
  }

  /** Stops reading from the connection, like a browser tab that hangs: the server's writes pile up. */
  public void stopReading() {
    socket.pause();
  }

  /** The whole text in one WebSocket frame, however large (browsers do not fragment). */
  public void sendSingleFrame(String text) {
    socket.writeFrame(WebSocketFrame.textFrame(text, true)).await();
  }

  /** Registers on an address and waits until the subscription is live (or the bridge refuses it). */
  public void register(String address) {
    JsonObject answer = tryRegister(address);
    if (!"event".equals(answer.getString("type"))) {
      throw new AssertionError("register " + address + " refused: " + answer.encode());
    }
  }

  /** Registers and returns the bridge's answer: the "registered" event or an "err" frame. */
  public JsonObject tryRegister(String address) {
    sendFrame(new JsonObject().put("type", "register").put("address", address));
    return take(frame -> "err".equals(frame.getString("type")) && frame.getString("address") == null
      || "registered".equals(frame.getString("event"))
      && address.equals(frame.getJsonObject("message").getString("address")));
  }

  public Reply request(String address, JsonObject body) {
    return request(address, body, null);
  }

  public Reply request(String address, Object body, JsonObject headers) {
    return replyTo(send(address, body, headers));
  }

  /**
   * The replies to a burst of requests, in the order sent, how many got none in time, and the seconds from the first
   * send to the last reply.
   */
  public record Burst(List<Reply> replies, int unanswered, double seconds) {
    public int accepted() {
      return (int) replies.stream().filter(reply -> !reply.failed()).count();
    }

    /**
     * Checks a token bucket of {@code size} refilled at {@code perSecond}: every refusal is 429, and at least the
     * bucket and at most the bucket plus what refilled during the burst were accepted. Returns how many were.
     */
    public int assertLimitedTo(int size, int perSecond) {
      replies.stream().filter(Reply::failed).forEach(reply -> {
        if (reply.failureCode() != 429) {
          throw new AssertionError("a refusal other than 429: " + reply.frame().encode());
        }
      });
      int accepted = accepted();
      long allowed = size + (long) Math.ceil(perSecond * seconds);
      if (accepted < size || accepted > allowed) {
        throw new AssertionError("accepted " + accepted + " in " + seconds + " s; a bucket of " + size + " refilled at "
          + perSecond + "/s allows " + size + " to " + allowed);
      }
      return accepted;
    }
  }

  /**
   * Sends every body to {@code address} before reading any reply, taking the sockets in turn, so that as little
   * time as possible passes between the first request and the last (a rate limit refills meanwhile).
   */
  public static Burst burst(List<BridgeClient> sockets, String address, List<JsonObject> bodies) {
    Burst burst = burst(sockets, address, bodies, System.nanoTime() + WAIT.toNanos());
    if (burst.unanswered() > 0) {
      throw new AssertionError(burst.unanswered() + " of " + bodies.size() + " requests unanswered within " + WAIT);
    }
    return burst;
  }

  /**
   * A burst whose replies are taken as they come until {@code deadlineNanos}; those not in by then are counted as
   * unanswered. For a flood the server slows down on purpose, where a late answer is the defence working.
   */
  public static Burst burst(List<BridgeClient> sockets, String address, List<JsonObject> bodies, long deadlineNanos) {
    long start = System.nanoTime();
    List<String> replyAddresses = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      replyAddresses.add(sockets.get(i % sockets.size()).send(address, bodies.get(i), null));
    }
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      JsonObject reply = sockets.get(i % sockets.size()).poll(answers(replyAddresses.get(i)), deadlineNanos);
      if (reply != null) {
        replies.add(new Reply(reply));
      }
    }
    return new Burst(replies, bodies.size() - replies.size(), (System.nanoTime() - start) / 1e9);
  }

  /** Sends a request without waiting; {@link #replyTo} waits for its answer. Returns its reply address. */
  private String send(String address, Object body, JsonObject headers) {
    String replyAddress = UUID.randomUUID().toString();
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
      .put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    sendFrame(frame);
    return replyAddress;
  }

  private Reply replyTo(String replyAddress) {
    return new Reply(take(answers(replyAddress)));
  }

  /** The answer to the request with this reply address, or an error the bridge sends without one. */
  private static Predicate<JsonObject> answers(String replyAddress) {
    return f -> replyAddress.equals(f.getString("address"))
      || "err".equals(f.getString("type")) && f.getString("address") == null;
  }

  /**
   * Every stored message of the room with an id above {@code after}, oldest first, read 100 at a time. A page of 100
   * costs 11 of the user's request budget (60 at once, 30 a second): like any client reading a long history, this
   * one waits a moment when told to slow down (429) and asks again.
   */
  public List<JsonObject> historyAfter(String room, long after) {
    List<JsonObject> all = new ArrayList<>();
    for (int slowDowns = 0; slowDowns < 100; ) {
      Reply reply = request("chat.history", new JsonObject().put("room", room).put("after", after).put("limit", 100));
      if (reply.failed() && reply.failureCode() == 429) {
        slowDowns++;
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        continue;
      }
      JsonArray page = reply.body().getJsonArray("messages");
      page.forEach(message -> all.add((JsonObject) message));
      if (page.size() < 100) {
        return all;
      }
      after = page.getJsonObject(page.size() - 1).getLong("id");
    }
    throw new AssertionError("history of " + room + " still refused with 429 after 100 waits");
  }

  /** The next message delivered on this address. */
  public JsonObject next(String address) {
    return take(frame -> "rec".equals(frame.getString("type")) && address.equals(frame.getString("address")))
      .getJsonObject("body");
  }

  /** Every message received on this address so far, in order, without waiting. */
  public List<JsonObject> received(String address) {
    synchronized (frames) {
      return frames.stream().filter(f -> address.equals(f.getString("address")))
        .map(f -> f.getJsonObject("body")).toList();
    }
  }

  /** Every frame received so far that matches, without waiting or removing them. */
  public List<JsonObject> framesWhere(Predicate<JsonObject> wanted) {
    synchronized (frames) {
      return frames.stream().filter(wanted).toList();
    }
  }

  /** Waits for and removes the first frame that matches. */
  public JsonObject take(Predicate<JsonObject> wanted) {
    JsonObject frame = poll(wanted, System.nanoTime() + WAIT.toNanos());
    if (frame == null) {
      synchronized (frames) {
        throw new AssertionError("no such frame within " + WAIT + "; frames: " + frames);
      }
    }
    return frame;
  }

  /** The body of the first frame received whose body is a JSON object of this {@code type} (a notice, a votes event). */
  public JsonObject takeTyped(String type) {
    return take(f -> f.getValue("body") instanceof JsonObject body && type.equals(body.getString("type")))
      .getJsonObject("body");
  }

  /** The first frame received that is wanted, waiting for one until the deadline; null if none came by then. */
  public JsonObject poll(Predicate<JsonObject> wanted, long deadline) {
    synchronized (frames) {
      while (true) {
        for (Iterator<JsonObject> it = frames.iterator(); it.hasNext(); ) {
          JsonObject frame = it.next();
          if (wanted.test(frame)) {
            it.remove();
            return frame;
          }
        }
        long left = deadline - System.nanoTime();
        if (closed) {
          throw new AssertionError("socket closed while waiting; frames: " + frames);
        }
        if (left <= 0) {
          return null;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(frames, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** From now on this client sends no pings, as a client that hung would not. */
  public void stopPinging() {
    vertx.cancelTimer(pingTimer);
  }

  /** Waits until the server closes the socket. */
  public void awaitClosed() {
    awaitClosed(WAIT);
  }

  /** Waits, at most {@code wait}, until the server closes the socket. */
  public void awaitClosed(Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (frames) {
      while (!closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("socket still open after " + wait);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(frames, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }

  /** True once the socket can carry nothing more: a write may find it closed before the close handler has run. */
  public boolean isClosed() {
    synchronized (frames) {
      return closed || socket.isClosed();
    }
  }

  /** The status code the server closed the socket with (1012: the node is restarting), or null. */
  public Short closeStatus() {
    synchronized (frames) {
      return closeStatus;
    }
  }

  @Override
  public void close() {
    vertx.cancelTimer(pingTimer);
    if (!isClosed()) {
      socket.close();
    }
    client.close();
  }
}
