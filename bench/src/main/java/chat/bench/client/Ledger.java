package chat.bench.client;

import org.HdrHistogram.Histogram;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a step with churn owed and delivered (W8). Members drop and come back during such a step, so "every member
 * gets every message" is not what is owed: the page catches up from history what was stored while its socket was
 * away. Each client verticle keeps a {@link Trail} per member (when its registration was confirmed and when its
 * socket went, what it received, and for a sender when each message went out and when its reply or refusal came);
 * at the end the trails are put together here. A stored message (its reply came back) is owed to every member of
 * the room that was registered before it was sent and still had that socket when the reply came; a member that
 * was away at any moment in between is owed nothing, whether it got the message or not.
 */
public final class Ledger {

  /** One member's trail during a step, written by its verticle's event loop only, handed over as a copy. */
  static final class Trail {
    final int conn;
    /** [registered, away) pairs; the last one's end is Long.MAX_VALUE while it is registered. */
    private long[] presence = new long[4];
    private int presenceLength;
    /** Per sender of the room: the seqs received. */
    private final BitSet[] received;
    private long[] sentAt = new long[0];
    private long[] storedAt = new long[0];
    private int[] refused = new int[0];
    private int sent;
    /** (lost, registered again) pairs. */
    private long[] rejoins = new long[0];
    private int rejoinsLength;
    int rejoinFailures;

    Trail(int conn, int senders, long registeredSince) {
      this.conn = conn;
      this.received = new BitSet[senders];
      for (int i = 0; i < senders; i++) {
        received[i] = new BitSet();
      }
      if (registeredSince > 0) {
        present(registeredSince);
      }
    }

    void present(long since) {
      if (presenceLength > 0 && presence[presenceLength - 1] == Long.MAX_VALUE) {
        return;
      }
      if (presenceLength + 2 > presence.length) {
        presence = Arrays.copyOf(presence, Math.max(4, presence.length * 2));
      }
      presence[presenceLength++] = since;
      presence[presenceLength++] = Long.MAX_VALUE;
    }

    void away(long at) {
      if (presenceLength > 0 && presence[presenceLength - 1] == Long.MAX_VALUE) {
        presence[presenceLength - 1] = at;
      }
    }

    void received(int sender, int seq) {
      if (sender >= 0 && sender < received.length && seq >= 0) {
        received[sender].set(seq);
      }
    }

    void sent(int seq, long at) {
      if (seq >= sentAt.length) {
        int size = Math.max(64, Math.max(seq + 1, sentAt.length * 2));
        sentAt = Arrays.copyOf(sentAt, size);
        storedAt = Arrays.copyOf(storedAt, size);
        refused = Arrays.copyOf(refused, size);
      }
      sentAt[seq] = at;
      sent = Math.max(sent, seq + 1);
    }

    void stored(int seq, long at) {
      if (seq >= 0 && seq < sent && storedAt[seq] == 0) {
        storedAt[seq] = at;
      }
    }

    void refused(int seq, int code) {
      if (seq >= 0 && seq < sent) {
        refused[seq] = code == 0 ? -1 : code;
      }
    }

    void rejoined(long lost, long registered) {
      if (rejoinsLength + 2 > rejoins.length) {
        rejoins = Arrays.copyOf(rejoins, Math.max(8, rejoins.length * 2));
      }
      rejoins[rejoinsLength++] = lost;
      rejoins[rejoinsLength++] = registered;
    }

    /** Registered over the whole of [from, to]. */
    boolean presentThrough(long from, long to) {
      return presentUntil(from, to) != 0;
    }

    /** When the stretch of registration that covers all of [from, to] ended (Long.MAX_VALUE: not yet); 0: none. */
    long presentUntil(long from, long to) {
      for (int i = 0; i < presenceLength; i += 2) {
        if (presence[i] <= from && presence[i + 1] >= to) {
          return presence[i + 1];
        }
      }
      return 0;
    }

    boolean presentAt(long t) {
      return presentThrough(t, t);
    }

    Trail copy() {
      BitSet[] got = new BitSet[received.length];
      for (int i = 0; i < got.length; i++) {
        got[i] = (BitSet) received[i].clone();
      }
      return new Trail(this, got);
    }

    private Trail(Trail from, BitSet[] received) {
      this.conn = from.conn;
      this.presence = Arrays.copyOf(from.presence, from.presenceLength);
      this.presenceLength = from.presenceLength;
      this.received = received;
      this.sent = from.sent;
      this.sentAt = Arrays.copyOf(from.sentAt, from.sent);
      this.storedAt = Arrays.copyOf(from.storedAt, from.sent);
      this.refused = Arrays.copyOf(from.refused, from.sent);
      this.rejoins = Arrays.copyOf(from.rejoins, from.rejoinsLength);
      this.rejoinsLength = from.rejoinsLength;
      this.rejoinFailures = from.rejoinFailures;
    }
  }

  /** A message of the step: its sender's index in its room and its seq, packed as one long. */
  public static long key(int sender, int seq) {
    return ((long) sender << 32) | seq;
  }

  public static int sender(long key) {
    return (int) (key >>> 32);
  }

  public static int seq(long key) {
    return (int) key;
  }

  private final long start;
  private final int seconds;
  public long sent;
  /** Replies that came back: the message is stored. */
  public long stored;
  public long refused;
  /** Sent, and neither a reply nor a refusal came back (the sender's socket went first). */
  public long unanswered;
  public final Map<Integer, Long> refusedByCode = new TreeMap<>();
  /** Deliveries owed to members that were there from send to reply, those that came, those that did not. */
  public long owed;
  public long deliveredOwed;
  public long lost;
  /** Deliveries to members that were not owed them (they were registering or going meanwhile): fine either way. */
  public long deliveredUnowed;
  /** Per second of the step (from its start; the last one holds every later second). */
  public final long[] sentBySecond;
  public final long[] storedBySecond;
  public final long[] refusedBySecond;
  /** Owed deliveries that never came, by the second their message was stored. */
  public final long[] lostBySecond;
  /** Members registered at the end of each second. */
  public final long[] registeredBySecond;
  /** Lost socket (or dropped) → registered again, µs, each rejoin completed during the step. */
  public final Histogram rejoin = new Histogram(3_600_000_000L, 3);
  public long rejoinFailures;
  /** When the first and the last rejoin completed (nanos), 0 when none did. */
  public long firstRejoin;
  public long lastRejoin;
  /**
   * Of the lost deliveries, those to members that stayed registered to the end of the step, and for the others
   * how long after the message's reply their socket went (µs): a node that is stopping closes its sockets while
   * messages are still on their way to it.
   */
  public long lostWhileStaying;
  public final Histogram lostBeforeLeaving = new Histogram(3_600_000_000L, 3);
  /** Up to 10 lost deliveries, for a closer look: member, sender index, seq, second stored. */
  public final List<int[]> lostSamples = new java.util.ArrayList<>();
  private final Set<Long> storedKeys = new HashSet<>();
  private final Set<Long> unansweredKeys = new HashSet<>();
  private final Set<Long> refusedKeys = new HashSet<>();
  private final Set<Long> receivedKeys = new HashSet<>();
  private final Set<Long> lostKeys = new HashSet<>();
  private final Map<Integer, Trail> byConn = new HashMap<>();
  private final Map<Long, long[]> times = new HashMap<>();

  /** The trails of every member of the plan's rooms; {@code seconds}: how many seconds the by-second arrays hold. */
  Ledger(StepPlan plan, List<Trail> trails, int seconds) {
    this.start = plan.startNanos();
    this.seconds = seconds;
    sentBySecond = new long[seconds];
    storedBySecond = new long[seconds];
    refusedBySecond = new long[seconds];
    lostBySecond = new long[seconds];
    registeredBySecond = new long[seconds];
    trails.forEach(t -> byConn.put(t.conn, t));
    for (RoomPlan room : plan.rooms()) {
      account(room);
    }
    for (int s = 0; s < seconds; s++) {
      long end = start + (s + 1) * 1_000_000_000L;
      for (Trail t : trails) {
        if (t.presentAt(end)) {
          registeredBySecond[s]++;
        }
      }
    }
    for (Trail t : trails) {
      rejoinFailures += t.rejoinFailures;
      for (int i = 0; i < t.rejoinsLength; i += 2) {
        rejoin.recordValue(Math.max(0, (t.rejoins[i + 1] - t.rejoins[i]) / 1000));
        firstRejoin = firstRejoin == 0 ? t.rejoins[i + 1] : Math.min(firstRejoin, t.rejoins[i + 1]);
        lastRejoin = Math.max(lastRejoin, t.rejoins[i + 1]);
      }
    }
  }

  private void account(RoomPlan room) {
    List<Trail> members = room.members().stream().map(c -> byConn.get(c.id)).filter(t -> t != null).toList();
    for (int j = 0; j < room.senders().size(); j++) {
      Trail sender = byConn.get(room.senders().get(j).id);
      if (sender == null) {
        continue;
      }
      for (int q = 0; q < sender.sent; q++) {
        long key = key(j, q);
        long sentAt = sender.sentAt[q];
        long storedAt = sender.storedAt[q];
        sent++;
        sentBySecond[second(sentAt)]++;
        times.put(key, new long[] {sentAt, storedAt});
        for (Trail m : members) {
          if (j < m.received.length && m.received[j].get(q)) {
            receivedKeys.add(key);
            break;
          }
        }
        if (sender.refused[q] != 0) {
          refused++;
          refusedBySecond[second(sentAt)]++;
          refusedByCode.merge(sender.refused[q], 1L, Long::sum);
          refusedKeys.add(key);
          continue;
        }
        if (storedAt == 0) {
          unanswered++;
          unansweredKeys.add(key);
          continue;
        }
        stored++;
        storedKeys.add(key);
        storedBySecond[second(storedAt)]++;
        for (Trail m : members) {
          boolean got = j < m.received.length && m.received[j].get(q);
          long until = m.presentUntil(sentAt, storedAt);
          if (until != 0) {
            owed++;
            if (got) {
              deliveredOwed++;
            } else {
              lost++;
              lostKeys.add(key);
              if (until == Long.MAX_VALUE) {
                lostWhileStaying++;
              } else {
                lostBeforeLeaving.recordValue(Math.max(0, Math.min(3_600_000_000L, (until - storedAt) / 1000)));
              }
              lostBySecond[second(storedAt)]++;
              if (lostSamples.size() < 10) {
                lostSamples.add(new int[] {m.conn, j, q, second(storedAt)});
              }
            }
          } else if (got) {
            deliveredUnowed++;
          }
        }
      }
    }
  }

  private int second(long nanos) {
    return (int) Math.max(0, Math.min(seconds - 1, (nanos - start) / 1_000_000_000L));
  }

  /** Messages whose reply came back (stored, by the server's word). */
  public Set<Long> storedKeys() {
    return storedKeys;
  }

  public Set<Long> unansweredKeys() {
    return unansweredKeys;
  }

  public Set<Long> refusedKeys() {
    return refusedKeys;
  }

  /** Messages that at least one member they were owed to did not get. */
  public Set<Long> lostKeys() {
    return lostKeys;
  }

  /** Messages at least one member received. */
  public Set<Long> receivedKeys() {
    return receivedKeys;
  }

  /**
   * The stored messages this member was not owed (it was away from their send to their reply) and did not get: what
   * its page has to catch up from history.
   */
  public Set<Long> missedWhileAway(int conn) {
    Trail m = byConn.get(conn);
    Set<Long> missed = new HashSet<>();
    if (m == null) {
      return missed;
    }
    for (long key : storedKeys) {
      long[] t = times.get(key);
      int j = sender(key);
      boolean got = j < m.received.length && m.received[j].get(seq(key));
      if (!got && !m.presentThrough(t[0], t[1])) {
        missed.add(key);
      }
    }
    return missed;
  }

  /** Whether this member lost its socket and registered again during the step. */
  public boolean rejoined(int conn) {
    Trail m = byConn.get(conn);
    return m != null && m.rejoinsLength > 0;
  }
}
