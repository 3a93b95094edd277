package chat.bench.client;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

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
  /** chat.presence events received (by the members that register it, as every page does). */
  public long presence;
  /** Delivery latency: receipt − scheduled send, µs. */
  public final Histogram latency = newHistogram();
  /** Reply latency at the sender: reply − scheduled send, µs. */
  public final Histogram ackLatency = newHistogram();
  /** register frame sent → REGISTERED event, µs. */
  public final Histogram registration = newHistogram();
  /** connect started → WebSocket open (handshake, session lookup), µs. */
  public final Histogram connectLatency = newHistogram();
  /**
   * Steps with a ledger only (else null): delivery latency by the second of the step it arrived in, µs, each made on
   * first use; the last holds every later second. Two significant digits keep a hundred of them small enough to be
   * copied with every snapshot.
   */
  public Histogram[] latencyBySecond;

  static final long MAX_SECOND_MICROS = 60_000_000L;

  static Histogram newHistogram() {
    return new Histogram(3_600_000_000L, 3);
  }

  /** A delivery that arrived {@code second} seconds into the step, {@code micros} after its scheduled send. */
  void recordBySecond(long second, long micros) {
    int i = (int) Math.max(0, Math.min(latencyBySecond.length - 1, second));
    if (latencyBySecond[i] == null) {
      latencyBySecond[i] = new Histogram(MAX_SECOND_MICROS, 2);
    }
    latencyBySecond[i].recordValue(Math.min(micros, MAX_SECOND_MICROS));
  }

  void addTo(Counters sum) {
    addTo(sum, true);
  }

  private void addTo(Counters sum, boolean bySecond) {
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
    sum.presence += presence;
    sum.latency.add(latency);
    sum.ackLatency.add(ackLatency);
    sum.registration.add(registration);
    sum.connectLatency.add(connectLatency);
    if (bySecond && latencyBySecond != null) {
      if (sum.latencyBySecond == null) {
        sum.latencyBySecond = new Histogram[latencyBySecond.length];
      }
      for (int i = 0; i < latencyBySecond.length; i++) {
        if (latencyBySecond[i] != null) {
          if (sum.latencyBySecond[i] == null) {
            sum.latencyBySecond[i] = new Histogram(MAX_SECOND_MICROS, 2);
          }
          sum.latencyBySecond[i].add(latencyBySecond[i]);
        }
      }
    }
  }

  /** As sent from a clients-only process to the bench (every field, histograms in HdrHistogram's own encoding). */
  JsonObject toJson() {
    return new JsonObject()
      .put("connected", connected).put("connectFailed", connectFailed).put("registered", registered)
      .put("denied", denied).put("closedByServer", closedByServer).put("slowClosed", slowClosed)
      .put("sent", sent).put("acked", acked).put("sendErrors", sendErrors).put("expected", expected)
      .put("delivered", delivered).put("duplicates", duplicates).put("reordered", reordered).put("late", late)
      .put("unknownFrames", unknownFrames).put("presence", presence)
      .put("latency", encode(latency)).put("ackLatency", encode(ackLatency))
      .put("registration", encode(registration)).put("connectLatency", encode(connectLatency));
  }

  static Counters fromJson(JsonObject json) {
    Counters c = new Counters();
    c.connected = json.getLong("connected");
    c.connectFailed = json.getLong("connectFailed");
    c.registered = json.getLong("registered");
    c.denied = json.getLong("denied");
    c.closedByServer = json.getLong("closedByServer");
    c.slowClosed = json.getLong("slowClosed");
    c.sent = json.getLong("sent");
    c.acked = json.getLong("acked");
    c.sendErrors = json.getLong("sendErrors");
    c.expected = json.getLong("expected");
    c.delivered = json.getLong("delivered");
    c.duplicates = json.getLong("duplicates");
    c.reordered = json.getLong("reordered");
    c.late = json.getLong("late");
    c.unknownFrames = json.getLong("unknownFrames");
    c.presence = json.getLong("presence");
    c.latency.add(decode(json.getString("latency")));
    c.ackLatency.add(decode(json.getString("ackLatency")));
    c.registration.add(decode(json.getString("registration")));
    c.connectLatency.add(decode(json.getString("connectLatency")));
    return c;
  }

  /** The uncompressed encoding already runs empty buckets together: a few KB, not the 180 KB of counts. */
  private static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  private static Histogram decode(String encoded) {
    return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
  }

  /** A copy; with {@code bySecond} false, without the latencies per second (a hundred histograms to copy). */
  Counters copy(boolean bySecond) {
    Counters copy = new Counters();
    addTo(copy, bySecond);
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
