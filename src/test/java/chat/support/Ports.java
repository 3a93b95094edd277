package chat.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on 127.0.0.1, for servers that must be told their port up front (Hazelcast, HSQLDB). */
public final class Ports {

  /**
   * Below Linux's ephemeral range (32768-60999): a port the kernel handed out as free could be taken as the local
   * end of any outgoing connection before the server binds it (seen: a Hazelcast member failing to start in CI);
   * the kernel never picks one of these for that.
   */
  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_767;

  private Ports() {
  }

  public static int free() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST + 1);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException inUse) {
        // another server has it: try another
      }
    }
    throw new IllegalStateException("no free port between " + LOWEST + " and " + HIGHEST + " after 100 tries");
  }
}
