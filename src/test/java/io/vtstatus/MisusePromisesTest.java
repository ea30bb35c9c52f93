package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.Recorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 19's reproductions, through the public API against the simulator: what a new user does
 * (an assertion inside a listener, awaiting a job that ended before the client started, an
 * executor of their own) must not break exactly-once, on-time or bounded.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MisusePromisesTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  @RegisterExtension final Closer closer = new Closer();

  @Test
  void aListenerThatThrowsAnErrorStillGetsEveryJobItsAnswer() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    JobListener asserting = new JobListener() {
      @Override
      public void pollSent(String jobId, int attempt) {
        throw new AssertionError("pollSent");
      }

      @Override
      public void completed(JobResult result) {
        throw new AssertionError("completed");
      }
    };
    // One permit: a permit leaked by the throwing pollSent would stop every later poll.
    StatusClient c = closer.add(StatusClient.builder(sim.url()).listener(asserting)
        .webhook(WebhookOptions.disabled()).maxConcurrentRequests(1)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))).build());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ids.add(sim.submit(Duration.ofMillis(200), JobStatus.COMPLETED));
    }
    for (String id : ids) {
      assertEquals(JobStatus.COMPLETED, c.await(id, LONG).status(), id);
    }
    assertEquals(0, c.activeWatches());
  }

  @Test
  void aJobThatEndedBeforeTheClientStartedIsAnsweredWithinASecondWhateverTheSchedule()
      throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    String old = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    assertTrue(sim.complete(old, JobStatus.COMPLETED));
    Recorder rec = new Recorder();
    // A schedule that learned long jobs, and webhooks that work: nothing will tell us but a poll.
    StatusClient c = closer.add(StatusClient.builder(sim.url()).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(10))).build());
    assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
    // The promise is a deadline (a round trip plus a second); bounded generously from above.
    JobResult r = c.watch(old).get(5, TimeUnit.SECONDS);
    assertEquals(DetectedBy.POLL, r.detectedBy());
    assertEquals(1, r.polls());
  }

  @Test
  void aUserExecutorKeepsNoTimerOfAnEndedWatch() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    ScheduledThreadPoolExecutor mine = new ScheduledThreadPoolExecutor(1);
    try {
      StatusClient c = closer.add(StatusClient.builder(sim.url()).executor(mine)
          .webhook(WebhookOptions.disabled()).timeout(Duration.ofHours(1)).build());
      for (int i = 0; i < 2000; i++) {
        CompletableFuture<JobResult> f = c.watch("gone-" + i);
        f.cancel(true);
      }
      assertEquals(0, c.activeWatches());
      // Each watch armed a deadline and a first poll; ended, it must leave neither queued.
      assertEquals(0, mine.getQueue().size(), "cancelled timers still queued");
    } finally {
      mine.shutdownNow();
    }
  }
}
