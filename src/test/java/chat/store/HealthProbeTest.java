package chat.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /health cannot be turned into a database hammer: one probe a second whatever the request rate. */
class HealthProbeTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final List<Promise<Void>> probes = new ArrayList<>();
  private final HealthProbe health = new HealthProbe(() -> {
    Promise<Void> probe = Promise.promise();
    probes.add(probe);
    return probe.future();
  }, now::get);

  @Test
  void aThousandChecksInOneSecondRunOneProbe() {
    Future<Void> first = health.check();
    for (int i = 0; i < 1000; i++) {
      now.addAndGet(i % 2);
      assertSame(first, health.check(), "check " + i + " shares the probe in flight");
      if (now.get() - 1_000_000 >= HealthProbe.INTERVAL_MS - 1) {
        break;
      }
    }
    assertEquals(1, probes.size());
    probes.get(0).complete();
    assertTrue(health.check().succeeded(), "the answer is kept for the rest of the second");
    assertEquals(1, probes.size());
  }

  @Test
  void aNewSecondProbesAgainAndSeesAFailure() {
    health.check();
    probes.get(0).complete();
    now.addAndGet(HealthProbe.INTERVAL_MS);
    Future<Void> second = health.check();
    assertEquals(2, probes.size());
    probes.get(1).fail("database unavailable");
    assertTrue(second.failed());
    assertTrue(health.check().failed(), "DOWN until the next probe");
    now.addAndGet(HealthProbe.INTERVAL_MS);
    health.check();
    assertEquals(3, probes.size());
  }
}
