package chat.bench.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How busy the whole machine was, from /proc/stat, so that CPU used by processes the bench did not start (a
 * build, another test run) shows up next to the figures it distorts.
 */
public final class MachineLoad {

  private final double busySeconds;
  private final double ourSeconds;
  private final long nanos;

  private MachineLoad(double busySeconds, double ourSeconds, long nanos) {
    this.busySeconds = busySeconds;
    this.ourSeconds = ourSeconds;
    this.nanos = nanos;
  }

  public static MachineLoad now(List<Proc> ours) {
    double ourSeconds = 0;
    for (Proc p : ours) {
      double s = p.cpuSeconds();
      if (!Double.isNaN(s)) {
        ourSeconds += s;
      }
    }
    return new MachineLoad(busySeconds(), ourSeconds, System.nanoTime());
  }

  /** Cores used on average by everything but our processes between {@code before} and this sample. */
  public double otherCoresSince(MachineLoad before) {
    double seconds = (nanos - before.nanos) / 1e9;
    double other = (busySeconds - before.busySeconds) - (ourSeconds - before.ourSeconds);
    return seconds <= 0 ? 0 : Math.max(0, other / seconds);
  }

  private static double busySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
        + Long.parseLong(f[7]) + Long.parseLong(f[8]);
      return busy / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
