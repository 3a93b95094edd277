package chat.account;

import io.vertx.core.Context;
import io.vertx.ext.auth.hashing.HashString;
import io.vertx.ext.auth.hashing.HashingAlgorithm;
import org.mindrot.jbcrypt.BCrypt;

/**
 * bcrypt for Vert.x's {@code HashingStrategy} (registered as a service), so {@code SqlAuthentication} can verify
 * jbcrypt hashes. A stored {@code $2a$12$<salt+hash>} parses as id {@code 2a}, salt {@code 12} (the cost) and
 * hash {@code <22 chars of salt><31 chars of digest>}.
 */
public class BcryptHashing implements HashingAlgorithm {

  private static final String ID = "2a";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public String hash(HashString stored, String password) {
    requireWorkerThread();
    String full = BCrypt.hashpw(password, "$" + ID + "$" + stored.salt() + "$" + stored.hash());
    return full.substring(full.lastIndexOf('$') + 1);
  }

  /** A new hash for a password, in jbcrypt's own format. */
  public static String hashNew(String password, int cost) {
    requireWorkerThread();
    return BCrypt.hashpw(password, BCrypt.gensalt(cost));
  }

  /**
   * bcrypt costs ~0.3 s of CPU at cost 12: on an event loop it would freeze every socket of that loop, so it
   * refuses to run there rather than degrade quietly.
   */
  static void requireWorkerThread() {
    if (Context.isOnEventLoopThread()) {
      throw new IllegalStateException("bcrypt must not run on an event-loop thread");
    }
  }
}
