package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client tells its {@link PollSchedule}: every watch that ends, once, with its last
 * context — terminal if its job ended, not if the watch gave up first. Through the public API
 * only, so it holds whatever the engine looks like inside.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollScheduleHooksTest {

  /** Polls every 20 ms and records what it is told. */
  static final class Recording implements PollSchedule {
    final BlockingQueue<PollContext> ended = new LinkedBlockingQueue<>();
    final BlockingQueue<Duration> finished = new LinkedBlockingQueue<>();
    /** The highest {@code answeredPolls} a context given to {@link #nextDelay} carried. */
    final AtomicInteger highestAnswered = new AtomicInteger();

    @Override
    public Duration nextDelay(PollContext context) {
      highestAnswered.accumulateAndGet(context.answeredPolls(), Math::max);
      return Duration.ofMillis(20);
    }

    @Override
    public void jobFinished(Duration observedDuration) {
      finished.add(observedDuration);
    }

    @Override
    public void watchEnded(PollContext lastContext) {
      ended.add(lastContext);
    }
  }

  private static PollContext next(BlockingQueue<PollContext> q) throws InterruptedException {
    PollContext c = q.poll(20, TimeUnit.SECONDS);
    assertTrue(c != null, "watchEnded was not called");
    return c;
  }

  @Test
  void aJobThatEndsIsReportedFinishedThenItsWatchEndedWithATerminalStatus() throws Exception {
    Recording schedule = new Recording();
    try (SimulatorServer sim = SimulatorServer.builder().build().start();
        StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
            .pollSchedule(schedule).build()) {
      String id = sim.submit(Duration.ofMillis(100), JobStatus.ERROR);
      JobResult r = client.await(id, Duration.ofSeconds(20));
      assertEquals(JobStatus.ERROR, r.status());
      PollContext last = next(schedule.ended);
      assertEquals(id, last.jobId());
      assertEquals(JobStatus.ERROR, last.lastStatus());
      assertTrue(last.lastStatus().isTerminal());
      assertEquals(1, schedule.finished.size());
      assertEquals(null, schedule.ended.poll(200, TimeUnit.MILLISECONDS), "once");
    }
  }

  @Test
  void aWatchThatTimesOutEndsWithItsJobStillRunningAndItsAge() throws Exception {
    Recording schedule = new Recording();
    try (SimulatorServer sim = SimulatorServer.builder().build().start();
        StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
            .pollSchedule(schedule).build()) {
      String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      assertThrows(JobTimeoutException.class, () -> client.await(id, Duration.ofMillis(300)));
      PollContext last = next(schedule.ended);
      assertEquals(id, last.jobId());
      assertTrue(!last.lastStatus().isTerminal(), "still running: " + last.lastStatus());
      assertTrue(last.elapsed().compareTo(Duration.ofMillis(300)) >= 0, "watched " + last.elapsed());
      // As many answered polls as the schedule was told of, at least: a quiet machine answers
      // about a dozen in 300 ms, a loaded one may answer none (so no fixed count is asserted).
      assertTrue(last.answeredPolls() >= schedule.highestAnswered.get(),
          last.answeredPolls() + " answered polls, the schedule saw " + schedule.highestAnswered.get());
      assertTrue(last.polls() >= last.answeredPolls(), "sent " + last.polls());
      assertTrue(schedule.finished.isEmpty(), "no duration for a job that did not end");
    }
  }

  @Test
  void aCancelledWatchAndOneCutShortByCloseEachEndOnce() throws Exception {
    Recording schedule = new Recording();
    String a;
    String b;
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
          .pollSchedule(schedule).build();
      a = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      b = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      CompletableFuture<JobResult> fa = client.watch(a);
      CompletableFuture<JobResult> fb = client.watch(b);
      fa.cancel(false);
      PollContext first = next(schedule.ended);
      assertEquals(a, first.jobId());
      assertTrue(!first.lastStatus().isTerminal());
      client.close();
      PollContext second = next(schedule.ended);
      assertEquals(b, second.jobId());
      assertThrows(CancellationException.class, () -> fb.get(5, TimeUnit.SECONDS));
      assertEquals(null, schedule.ended.poll(200, TimeUnit.MILLISECONDS), "each once");
    }
  }

  @Test
  void aLambdaScheduleStillWorks() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start();
        StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
            .pollSchedule(ctx -> Duration.ofMillis(20)).build()) {
      String id = sim.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
      assertEquals(JobStatus.COMPLETED, client.await(id, Duration.ofSeconds(20)).status());
    }
  }
}
