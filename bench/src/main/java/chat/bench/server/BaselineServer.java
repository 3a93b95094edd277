package chat.bench.server;

import java.nio.file.Path;
import java.util.List;

/** The bare broadcast server ({@code chat.bench.baseline.BroadcastServer}) in its own JVM, from bench.jar. */
public final class BaselineServer implements Target {

  private final Proc proc;
  private final int port;

  private BaselineServer(Proc proc, int port) {
    this.proc = proc;
    this.port = port;
  }

  public static BaselineServer start(Path runDir, Path benchJar) {
    int port = Ports.free();
    Proc proc = Proc.start(runDir, "baseline-" + port, List.of("-cp", benchJar.toString(),
      "chat.bench.baseline.BroadcastServer", String.valueOf(port)));
    BaselineServer server = new BaselineServer(proc, port);
    try {
      Health.await(List.of(proc), List.of(port), body -> body.contains("\"status\":\"UP\""), 60);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  @Override
  public String kind() {
    return "baseline";
  }

  @Override
  public List<Integer> ports() {
    return List.of(port);
  }

  @Override
  public List<Proc> processes() {
    return List.of(proc);
  }

  @Override
  public List<Proc> nodes() {
    return List.of(proc);
  }

  @Override
  public String version() {
    return "bench.jar BroadcastServer";
  }

  @Override
  public boolean needsAccounts() {
    return false;
  }

  @Override
  public void close() {
    proc.stop();
  }
}
