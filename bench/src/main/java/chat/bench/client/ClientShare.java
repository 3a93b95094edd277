package chat.bench.client;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/**
 * Some of the simulated users, as the {@link Fleet} drives them: one event loop's ({@link ClientVerticle}), or
 * another process's ({@link RemoteClients}). Each call may come from any thread.
 */
interface ClientShare {

  /** Opens and registers these users' sockets; completes when each is registered or has failed. */
  Future<Void> connect(List<Conn> mine, int maxInFlight);

  /** Takes the step's schedule for the users it holds; sending starts at the plan's start time. */
  Future<Void> startStep(StepPlan plan);

  /** What its users have counted so far in this step (connects and registrations since its last connect). */
  Future<Counters> snapshot();

  /** These of its users stop reading. */
  Future<Void> pause(Collection<Conn> slow);

  /** Closes all its sockets and forgets them. */
  Future<Void> closeAll();
}
