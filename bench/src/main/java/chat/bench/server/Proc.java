package chat.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the bench started (a chat node, the database server, the baseline), or the bench JVM itself: its
 * CPU time from /proc and its heap after a full GC through jcmd. Started ones are listed in the run
 * directory's pids file, so bin/bench can kill what is left if this JVM dies without its shutdown hook.
 */
public final class Proc {

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
  private static final long TICKS_PER_SECOND = 100;

  public final String name;
  public final long pid;
  private final Process process;
  private final Path log;

  private Proc(String name, long pid, Process process, Path log) {
    this.name = name;
    this.pid = pid;
    this.process = process;
    this.log = log;
  }

  public static Proc self() {
    return new Proc("bench", ProcessHandle.current().pid(), null, null);
  }

  public static Proc start(Path runDir, String name, List<String> javaArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // GC pauses are the first suspect for a latency spike: keep them on record next to the process's log
    command.add("-Xlog:gc:file=" + runDir.resolve(name + "-gc.log"));
    command.addAll(javaArgs);
    Path log = runDir.resolve(name + ".log");
    try {
      Process process = new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
      Files.writeString(runDir.resolve("pids"), process.pid() + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
      Proc proc = new Proc(name, process.pid(), process, log);
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean alive() {
    return process == null || process.isAlive();
  }

  /** User + system CPU seconds so far (from /proc/&lt;pid&gt;/stat). */
  public double cpuSeconds() {
    try {
      return cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat"))) / (double) TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds of the JVM's JIT compiler threads so far (C1 and C2, from /proc/&lt;pid&gt;/task): how much of
   * the process's CPU went to compiling rather than to its work.
   */
  public double jitCpuSeconds() {
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      long ticks = 0;
      for (Path task : tasks.toList()) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException gone) {
          continue; // the thread ended meanwhile
        }
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
          ticks += cpuTicks(stat);
        }
      }
      return ticks / (double) TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** utime + stime of a process's or thread's stat line, in clock ticks. */
  private static long cpuTicks(String stat) {
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime field 15
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /** Heap in use after a full GC, bytes; NaN if jcmd could not tell. */
  public double heapAfterGc() {
    jcmd("GC.run");
    return heapUsed();
  }

  /** Heap in use now (no GC), bytes. */
  public double heapUsed() {
    Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
    return m.find() ? Long.parseLong(m.group(1)) * 1024.0 : Double.NaN;
  }

  public String jcmd(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(String.valueOf(pid));
    command.addAll(List.of(args));
    try {
      Process jcmd = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(jcmd.getInputStream().readAllBytes());
      jcmd.waitFor(60, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  public String logTail(int lines) {
    if (log == null) {
      return "";
    }
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** SIGTERM, then SIGKILL if it has not gone after the grace period. */
  public void stop() {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
