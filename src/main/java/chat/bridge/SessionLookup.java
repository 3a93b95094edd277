package chat.bridge;

import io.vertx.core.Future;

/** What the bridge asks the HTTP side about the session a socket was opened with. */
public interface SessionLookup {

  /** Ended by a logout, as this node knows without asking the store (a local read, asked often). */
  boolean ended(String sessionId);

  /** When the session expires unless something uses it meanwhile (epoch ms); null when it is gone. */
  Future<Long> deadline(String sessionId);
}
