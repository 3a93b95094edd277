package chat.bench.client;

import org.HdrHistogram.Histogram;

/** What the clients saw, summed over client verticles: one snapshot, or the difference of two. */
public final class Counters {

  public long connected;
  public long connectFailed;
  public long registered;
  public long denied;
  public long closedByServer;
  public long slowClosed;
  public long sent;
  public long acked;
  public long sendErrors;
  /** Deliveries that the sent (and not refused) messages owe to the reading members. */
  public long expected;
  /** Distinct (receiver, sender, seq) deliveries of the current step. */
  public long delivered;
  public long duplicates;
  public long reordered;
  /** Deliveries of an earlier step that came after its drain had ended (already counted lost there). */
  public long late;
  public long unknownFrames;
  /** Delivery latency: receipt − scheduled send, µs. */
  public final Histogram latency = newHistogram();
  /** Reply latency at the sender: reply − scheduled send, µs. */
  public final Histogram ackLatency = newHistogram();
  /** register frame sent → REGISTERED event, µs. */
  public final Histogram registration = newHistogram();
  /** connect started → WebSocket open (handshake, session lookup), µs. */
  public final Histogram connectLatency = newHistogram();

  static Histogram newHistogram() {
    return new Histogram(3_600_000_000L, 3);
  }

  void addTo(Counters sum) {
    sum.connected += connected;
    sum.connectFailed += connectFailed;
    sum.registered += registered;
    sum.denied += denied;
    sum.closedByServer += closedByServer;
    sum.slowClosed += slowClosed;
    sum.sent += sent;
    sum.acked += acked;
    sum.sendErrors += sendErrors;
    sum.expected += expected;
    sum.delivered += delivered;
    sum.duplicates += duplicates;
    sum.reordered += reordered;
    sum.late += late;
    sum.unknownFrames += unknownFrames;
    sum.latency.add(latency);
    sum.ackLatency.add(ackLatency);
    sum.registration.add(registration);
    sum.connectLatency.add(connectLatency);
  }

  Counters copy() {
    Counters copy = new Counters();
    addTo(copy);
    return copy;
  }

  /** Messages still owed: deliveries not yet seen (or lost) and replies not yet back. */
  public long outstanding() {
    return Math.max(0, expected - delivered) + Math.max(0, sent - acked - sendErrors);
  }

  public long lost() {
    return Math.max(0, expected - delivered);
  }
}
