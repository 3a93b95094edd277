package chat.http;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * New connections go in at once while the event loop keeps time, a few per tick while it runs late, oldest first,
 * and none waits past the longest wait (the clock here is the test's, the ticks are called as the loop would).
 */
class ConnectPacingTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ConnectPacing pacing = new ConnectPacing(now::get);
  private final List<Integer> admitted = new ArrayList<>();

  private void after(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  private void onTimeTick() {
    after(ConnectPacing.TICK_MS);
    pacing.tick();
  }

  private void lateTick() {
    after(ConnectPacing.TICK_MS + ConnectPacing.LATE_MS + 100);
    pacing.tick();
  }

  private void connect(int count) {
    int first = admitted.size() + pacing.waiting();
    IntStream.range(first, first + count).forEach(i -> assertTrue(pacing.offer(() -> admitted.add(i))));
  }

  @Test
  void onTimeEveryConnectionGoesInAtOnce() {
    onTimeTick();
    connect(500);
    assertEquals(500, admitted.size());
    assertEquals(0, pacing.waiting());
  }

  @Test
  void whileLateAFewGoInPerTickOldestFirstAndTheRestOnceOnTime() {
    lateTick();
    connect(1_000);
    assertEquals(0, admitted.size(), "a late loop lets nobody in between its ticks");
    lateTick();
    assertEquals(ConnectPacing.PER_LATE_TICK, admitted.size());
    lateTick();
    assertEquals(2 * ConnectPacing.PER_LATE_TICK, admitted.size());
    assertEquals(IntStream.range(0, admitted.size()).boxed().toList(), admitted, "oldest first");

    // on time again: the backlog goes in over a few ticks, and a newcomer queues behind it
    onTimeTick();
    assertEquals(2 * ConnectPacing.PER_LATE_TICK + ConnectPacing.PER_TICK, admitted.size());
    connect(1);
    assertEquals(1_000 - admitted.size() + 1, pacing.waiting(), "no newcomer passes those who wait");
    for (int tick = 0; tick < 1_001 && pacing.waiting() > 0; tick++) {
      onTimeTick();
    }
    assertEquals(IntStream.range(0, 1_001).boxed().toList(), admitted);
  }

  @Test
  void noConnectionWaitsLongerThanTheLongestWaitHoweverLateTheLoop() {
    lateTick();
    connect(300);
    long ticks = ConnectPacing.MAX_WAIT_MS / (ConnectPacing.TICK_MS + ConnectPacing.LATE_MS + 100);
    for (int tick = 0; tick < ticks; tick++) {
      lateTick();
    }
    assertTrue(admitted.size() < 300, "still pacing before the longest wait: " + admitted.size());
    lateTick();
    assertEquals(300, admitted.size(), "all in once they waited the longest wait");
  }

  @Test
  void beyondTheMostThatMayWaitANewcomerIsToldToComeBack() {
    lateTick();
    connect(ConnectPacing.MAX_WAITING);
    assertFalse(pacing.offer(() -> admitted.add(-1)));
    lateTick();
    assertTrue(pacing.offer(() -> admitted.add(-1)), "a place freed by the tick is taken again");
    assertFalse(admitted.contains(-1));
  }

  /**
   * Over real HTTP: a WebSocket upgrade and a plain GET that waited their turn go through once let in (a waiting
   * request is paused, or its end read meanwhile fails the upgrade: "Request has already been read").
   */
  @Test
  void aConnectionThatWaitedStillUpgradesAndAGetStillAnswers() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context loop = vertx.getOrCreateContext();
      HttpServer server = Future.<HttpServer>future(started -> loop.runOnContext(v -> {
        Router router = Router.router(vertx);
        router.route("/ws").handler(pacing);
        router.route("/ws").handler(ctx -> ctx.request().toWebSocket()
          .onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage)));
        router.route("/info").handler(pacing);
        router.route("/info").handler(ctx -> ctx.response().end("welcome"));
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").onComplete(started);
      })).await();
      Future.<Void>future(done -> loop.runOnContext(v -> {
        lateTick();
        done.complete();
      })).await();

      WebSocketClient sockets = vertx.createWebSocketClient();
      HttpClient http = vertx.createHttpClient();
      Future<WebSocket> upgraded = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/ws"));
      Future<String> info = http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/info")
        .compose(request -> request.send().compose(response -> response.body()))
        .map(Object::toString);
      // both are in the queue before the loop is on time again
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (waitingOn(loop) < 2 && System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
      }
      assertEquals(2, waitingOn(loop));
      assertFalse(upgraded.isComplete() || info.isComplete(), "nobody goes in before the next tick");

      loop.runOnContext(v -> onTimeTick());
      assertEquals("welcome", info.await(10, TimeUnit.SECONDS));
      WebSocket socket = upgraded.await(10, TimeUnit.SECONDS);
      Future<String> echo = Future.future(answer -> socket.textMessageHandler(answer::tryComplete));
      socket.writeTextMessage("hello");
      assertEquals("hello", echo.await(10, TimeUnit.SECONDS));
    } finally {
      vertx.close().await();
    }
  }

  private int waitingOn(Context loop) {
    return Future.<Integer>future(count -> loop.runOnContext(v -> count.complete(pacing.waiting()))).await();
  }
}
