package chat.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run was made on, as BENCHMARKS.md reports it. */
final class Machine {

  private Machine() {
  }

  static JsonObject describe() {
    String cpu = "unknown";
    long memKb = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // leave unknown
    }
    return new JsonObject()
      .put("cpus", Runtime.getRuntime().availableProcessors())
      .put("cpu", cpu)
      .put("memoryGiB", Measure.round(memKb / 1024.0 / 1024.0, 1))
      .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
      .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }

  static String line(JsonObject m) {
    return String.format("%d CPUs (nproc), %s, %.1f GiB memory, %s, %s", m.getInteger("cpus"), m.getString("cpu"),
      m.getDouble("memoryGiB"), m.getString("java"), m.getString("os"));
  }
}
