package chat.bench.client;

import java.util.List;

/** One open-loop step: every room sends at its rate from {@code startNanos} for {@code durationNanos}. */
public record StepPlan(int step, long startNanos, long durationNanos, List<RoomPlan> rooms) {

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
