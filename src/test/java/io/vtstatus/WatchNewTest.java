package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code watchNew}: the caller says the job was just created, so the watch skips the first look
 * (a poll within a second) a job created elsewhere gets, and waits for the schedule's.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatchNewTest {
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void aJobSaidToBeNewWaitsForTheScheduleWhileAnotherGetsItsFirstLook() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    String fresh = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    String other = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    Set<String> polled = ConcurrentHashMap.newKeySet();
    CountDownLatch otherLooked = new CountDownLatch(1);
    StatusClient c = closer.add(StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
        .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(10)))
        .listener(new JobListener() {
          @Override
          public void pollSent(String jobId, int attempt) {
            polled.add(jobId);
            if (jobId.equals(other)) {
              otherLooked.countDown();
            }
          }
        }).build());
    CompletableFuture<JobResult> f = c.watchNew(fresh);
    CompletableFuture<JobResult> g = c.watch(other);
    // The other job's look comes within a second; the new job's first poll is 10 min away.
    assertTrue(otherLooked.await(10, TimeUnit.SECONDS), "the first look never came");
    assertFalse(polled.contains(fresh), "the job said to be new was polled at once");
    // It is an ordinary watch otherwise: it ends when the job does.
    assertTrue(sim.complete(fresh, JobStatus.COMPLETED));
    assertTrue(sim.complete(other, JobStatus.COMPLETED));
    g.get(10, TimeUnit.SECONDS);
    // Cancelling ends the watch on this thread.
    f.cancel(true);
    assertEquals(0, c.activeWatches());
  }

  @Test
  void badIdsAreRefusedAsByWatch() {
    StatusClient c = closer.add(StatusClient.builder(java.net.URI.create("http://127.0.0.1:1"))
        .webhook(WebhookOptions.disabled()).build());
    assertThrows(IllegalArgumentException.class, () -> c.watchNew("no spaces"));
    assertEquals(0, c.activeWatches());
  }
}
