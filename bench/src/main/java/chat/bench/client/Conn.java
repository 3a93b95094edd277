package chat.bench.client;

import io.vertx.core.http.WebSocket;

import java.util.List;

/**
 * One simulated user: one WebSocket to one server (or to the proxy in front of it), member of one room. Created by the workload, then owned by
 * the {@link ClientVerticle} it is handed to: only that verticle's event loop touches the mutable fields.
 */
public final class Conn {

  public final int id;
  /** Login name (lower case), or a placeholder against the baseline, which has no accounts. */
  public final String user;
  /** "chat.session=..." or null. */
  public final String cookie;
  /** The server port this socket opens, or the proxy in front of the nodes. */
  public final Endpoint endpoint;
  public final String localAddress;
  /** The room this user talks in, e.g. "global", "topic.w2-0001", "dm.u00001.u00002". */
  public final String room;
  /** Addresses registered after connecting (the room's first). */
  public final List<String> registrations;
  /** Connects with a 4 KB socket receive buffer, so that when it stops reading the server's writes back up soon. */
  public boolean smallReceiveBuffer;

  // ---- owned by the verticle's event loop
  WebSocket ws;
  boolean open;
  boolean paused;
  /** We are closing it: its close is no news. */
  boolean closing;
  int registeredPending;
  long registerSentNanos;
  /** When all its registrations were last confirmed; 0 while it has none (closed, or registering). */
  long registeredSince;
  /** Ledger steps: its trail (presence, receipts, sends), or null. */
  Ledger.Trail trail;
  /** The socket is being opened again after it was lost or dropped (not by the first connect). */
  boolean rejoining;
  /** We closed it to reconnect it at once (a drop): its close starts the rejoin without a pause. */
  boolean dropped;
  /** When the socket was lost or dropped, for the time until it is registered again; 0 when it was not. */
  long lostNanos;
  /** Failed rejoin attempts since it was lost: the page's backoff grows with them. */
  int rejoinAttempts;
  /** Per step: index of this user among its room's senders, or -1. */
  int senderIndex = -1;
  /** Per step: next expected seq from each sender of the room. */
  int[] nextSeq;
  /** Per step: how many members read each message this user sends. */
  int readers;
  String roomJson;
  String padding = "";

  public Conn(int id, String user, String cookie, Endpoint endpoint, String localAddress, String room, List<String> registrations) {
    this.id = id;
    this.user = user;
    this.cookie = cookie;
    this.endpoint = endpoint;
    this.localAddress = localAddress;
    this.room = room;
    this.registrations = registrations;
  }
}
