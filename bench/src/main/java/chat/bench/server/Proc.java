package chat.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process the bench started (a chat node, the database server, the baseline, nginx), or the bench JVM itself:
 * its CPU time from /proc and its heap after a full GC through jcmd. Started ones are listed in the run
 * directory's pids file, so bin/bench can kill what is left if this JVM dies without its shutdown hook. A
 * process that works through children of its own (nginx's workers) adopts them: their CPU counts as its, and
 * they are listed and killed with it.
 */
public final class Proc {

  private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");
  private static final long TICKS_PER_SECOND = 100;

  public final String name;
  public final long pid;
  private final Process process;
  private final Path log;
  private final Path runDir;
  private final List<ProcessHandle> children = new java.util.concurrent.CopyOnWriteArrayList<>();

  private Proc(String name, long pid, Process process, Path log, Path runDir) {
    this.name = name;
    this.pid = pid;
    this.process = process;
    this.log = log;
    this.runDir = runDir;
  }

  public static Proc self() {
    return new Proc("bench", ProcessHandle.current().pid(), null, null, null);
  }

  /** A JVM: {@code java <javaArgs>}, with its GC log in the run directory. */
  public static Proc start(Path runDir, String name, List<String> javaArgs) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // GC pauses are the first suspect for a latency spike: keep them on record next to the process's log
    command.add("-Xlog:gc:file=" + runDir.resolve(name + "-gc.log"));
    command.addAll(javaArgs);
    return command(runDir, name, command, Map.of());
  }

  /** Any command, with these environment variables added; its output goes to &lt;name&gt;.log in the run directory. */
  public static Proc command(Path runDir, String name, List<String> command, Map<String, String> environment) {
    Path log = runDir.resolve(name + ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).directory(runDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
      builder.environment().putAll(environment);
      Process process = builder.start();
      listPid(runDir, process.pid());
      Proc proc = new Proc(name, process.pid(), process, log, runDir);
      // children first: once their parent is gone they cannot be found through it (nginx workers outlive a
      // master killed with SIGKILL)
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        List<ProcessHandle> all = new ArrayList<>(proc.children);
        process.descendants().forEach(all::add);
        process.destroyForcibly();
        all.forEach(ProcessHandle::destroyForcibly);
      }));
      return proc;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void listPid(Path runDir, long pid) throws IOException {
    Files.writeString(runDir.resolve("pids"), pid + "\n", java.nio.file.StandardOpenOption.CREATE,
      java.nio.file.StandardOpenOption.APPEND);
  }

  /**
   * Takes on the process's children as they are now (nginx's workers, once it serves): their CPU counts from now
   * on as this process's, and they go into the pids file and are killed with it. Returns how many there are.
   */
  public int adoptChildren() {
    List<ProcessHandle> now = process.children().toList();
    children.addAll(now);
    try {
      for (ProcessHandle child : now) {
        listPid(runDir, child.pid());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return now.size();
  }

  public boolean alive() {
    return process == null || process.isAlive();
  }

  /**
   * User + system CPU seconds so far (from /proc/&lt;pid&gt;/stat), with those of its adopted children; NaN when
   * one of them is gone (a crashed nginx worker would otherwise take its CPU with it and make a step look cheap).
   */
  public double cpuSeconds() {
    try {
      long ticks = cpuTicks(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
      for (ProcessHandle child : children) {
        ticks += cpuTicks(Files.readString(Path.of("/proc", String.valueOf(child.pid()), "stat")));
      }
      return ticks / (double) TICKS_PER_SECOND;
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

  /** Resident memory now (VmRSS of /proc/&lt;pid&gt;/status), bytes; NaN when it cannot be read. */
  public double residentBytes() {
    return statusKilobytes("VmRSS:") * 1024.0;
  }

  /** Open files now (entries of /proc/&lt;pid&gt;/fd: sockets, jars, pipes, epoll), or -1 when it cannot be read. */
  public long openFiles() {
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return fds.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * The limit on open files the process runs with (the soft one of /proc/&lt;pid&gt;/limits, which a JVM raises to
   * the hard one at start), or -1 when it cannot be read.
   */
  public long openFilesLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits"))) {
        if (line.startsWith("Max open files")) {
          String[] f = line.substring("Max open files".length()).trim().split("\\s+");
          return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // below
    }
    return -1;
  }

  private double statusKilobytes(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // below
    }
    return Double.NaN;
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

  /**
   * SIGTERM, then SIGKILL if it has not gone after the grace period; then any adopted child still there. True when
   * it ended on the SIGTERM (or was gone already).
   */
  public boolean stop() {
    if (process == null) {
      return true;
    }
    boolean ended = true;
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          ended = false;
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        ended = false;
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    // nginx's master ends its workers on SIGTERM; after a SIGKILL they would stay
    for (ProcessHandle child : children) {
      child.destroyForcibly();
      child.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    return ended;
  }
}
