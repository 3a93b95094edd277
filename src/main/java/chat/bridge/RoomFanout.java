package chat.bridge;

import chat.metrics.ChatMetrics;
import chat.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Delivers what browsers listen to with one event-bus consumer per address per HTTP verticle instance (one per
 * event loop that serves sockets), not one per socket: a message crosses the cluster once per instance, is encoded
 * into a bridge frame once there, and the same buffer is written to every socket of that instance listening on the
 * address. The frames are exactly the stock bridge's, so the official client cannot tell the difference. Used from
 * its HTTP verticle instance's event loop only.
 */
final class RoomFanout {

  private final Vertx vertx;
  private final Consumer<SockJSSocket> cutOff;
  private final ChatMetrics metrics;
  private final Map<String, Listeners> byAddress = new HashMap<>();
  private final Map<SockJSSocket, Set<String>> bySocket = new HashMap<>();

  private final MessageConsumer<Object> notices;

  private final class Listeners {
    final Set<SockJSSocket> sockets = new LinkedHashSet<>();
    /** None for a user's own address: what goes there comes through {@link Addresses#USER_NOTICES}. */
    final MessageConsumer<Object> consumer;

    Listeners(String address) {
      consumer = address.startsWith(Addresses.USER_PREFIX) ? null
        : vertx.eventBus().consumer(address, message -> deliver(address, message.body()));
    }

    Future<Void> live() {
      return (consumer == null ? notices : consumer).completion();
    }

    void unregister() {
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }

  RoomFanout(Vertx vertx, Consumer<SockJSSocket> cutOff, ChatMetrics metrics) {
    this.vertx = vertx;
    this.cutOff = cutOff;
    this.metrics = metrics;
    this.notices = vertx.eventBus().consumer(Addresses.USER_NOTICES,
      notice -> deliver(notice.headers().get(Addresses.NOTICE_TO_HEADER), notice.body()));
  }

  /** Adds a listener; completes when messages published anywhere in the cluster reach this node. */
  Future<Void> subscribe(SockJSSocket socket, String address) {
    Listeners listeners = byAddress.computeIfAbsent(address, Listeners::new);
    listeners.sockets.add(socket);
    bySocket.computeIfAbsent(socket, s -> new LinkedHashSet<>()).add(address);
    return listeners.live();
  }

  boolean isSubscribed(SockJSSocket socket, String address) {
    return bySocket.getOrDefault(socket, Set.of()).contains(address);
  }

  /** The sockets listening on an address, as a copy (the caller may unsubscribe them). */
  List<SockJSSocket> listeners(String address) {
    Listeners listeners = byAddress.get(address);
    return listeners == null ? List.of() : List.copyOf(listeners.sockets);
  }

  int subscriptions(SockJSSocket socket) {
    return bySocket.getOrDefault(socket, Set.of()).size();
  }

  void unsubscribe(SockJSSocket socket, String address) {
    Set<String> addresses = bySocket.get(socket);
    if (addresses != null && addresses.remove(address) && addresses.isEmpty()) {
      bySocket.remove(socket);
    }
    Listeners listeners = byAddress.get(address);
    if (listeners != null && listeners.sockets.remove(socket) && listeners.sockets.isEmpty()) {
      byAddress.remove(address);
      listeners.unregister();
    }
  }

  void socketClosed(SockJSSocket socket) {
    Set<String> addresses = bySocket.remove(socket);
    if (addresses != null) {
      for (String address : addresses) {
        Listeners listeners = byAddress.get(address);
        if (listeners != null && listeners.sockets.remove(socket) && listeners.sockets.isEmpty()) {
          byAddress.remove(address);
          listeners.unregister();
        }
      }
    }
  }

  /** The stock bridge's "rec" frame; a body that is JSON text already (a room's messages) goes in as it is. */
  static Buffer frame(String address, Object body) {
    if (body instanceof String json) {
      return Buffer.buffer("{\"type\":\"rec\",\"address\":" + Json.encode(address) + ",\"body\":" + json + "}");
    }
    return new JsonObject().put("type", "rec").put("address", address).put("body", body).toBuffer();
  }

  private void deliver(String address, Object body) {
    Listeners listeners = byAddress.get(address);
    if (listeners == null) {
      return;
    }
    // the stock bridge's frame, encoded once for every socket on this node (no reply address: nothing a browser
    // receives may be replied to on the server's behalf)
    Buffer frame = frame(address, body);
    int written = 0;
    List<SockJSSocket> stuck = null;
    for (SockJSSocket socket : listeners.sockets) {
      boolean full;
      try {
        full = socket.writeQueueFull();
      } catch (IllegalStateException closing) {
        // a raw WebSocket (/eventbus/websocket) throws on every call once its peer's close frame is in, until its
        // close event takes it out of this set: it must not cost the sockets after it the message
        continue;
      }
      if (full) {
        // a browser that stopped reading would make the node hold every message for it; it catches up from
        // history when it reconnects (cut off after the loop: closing changes this set)
        stuck = stuck == null ? new ArrayList<>() : stuck;
        stuck.add(socket);
      } else {
        socket.write(frame);
        written++;
      }
    }
    metrics.delivered(written);
    if (stuck != null) {
      stuck.forEach(cutOff);
    }
  }
}
