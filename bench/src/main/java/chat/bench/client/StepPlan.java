package chat.bench.client;

import java.util.List;

/**
 * One open-loop step: every room sends at its rate from {@code startNanos} for {@code durationNanos}. A step with a
 * {@code ledger} is one where members drop and come back (W8): the clients then reconnect a lost socket as the page
 * does, keep latencies per second of the step, and note who was registered when and what each member received, so
 * that loss is counted against the members that were there (see {@link Ledger}).
 */
public record StepPlan(int step, long startNanos, long durationNanos, List<RoomPlan> rooms, boolean ledger) {

  public StepPlan(int step, long startNanos, long durationNanos, List<RoomPlan> rooms) {
    this(step, startNanos, durationNanos, rooms, false);
  }

  /** The same step, kept with a ledger. */
  public StepPlan withLedger() {
    return new StepPlan(step, startNanos, durationNanos, rooms, true);
  }

  public long endNanos() {
    return startNanos + durationNanos;
  }

  public double msgsPerSecond() {
    return rooms.stream().mapToDouble(RoomPlan::msgsPerSecond).sum();
  }

  public double deliveriesPerSecond() {
    return rooms.stream().mapToDouble(r -> r.msgsPerSecond() * r.readers()).sum();
  }
}
