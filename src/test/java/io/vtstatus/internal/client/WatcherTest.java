package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollSchedule;
import io.vtstatus.ProtocolException;
import io.vtstatus.testing.Recorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The watch machinery on fake time and a fake transport: every race here is played out step by
 * step, so each test fails for exactly the bug it names and never for a slow machine.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatcherTest {
  private static final Clock WALL = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private final FakeScheduler time = new FakeScheduler();
  private final FakeTransport net = new FakeTransport();
  private final Recorder rec = new Recorder();
  private final FakeRegistration registration = new FakeRegistration();

  static final class FakeRegistration implements Registration {
    volatile boolean registered;
    final AtomicInteger refreshes = new AtomicInteger();

    @Override
    public boolean registered() {
      return registered;
    }

    @Override
    public void refreshSoon() {
      refreshes.incrementAndGet();
    }
  }

  private Watcher watcher(PollSchedule schedule, int permits) {
    return watcher(schedule, permits, rec);
  }

  private Watcher watcher(PollSchedule schedule, int permits, io.vtstatus.JobListener listener) {
    return new Watcher(time, new StatusApi(URI.create("http://server"), net, WALL), schedule,
        new SafeListener(listener), registration, WALL, Duration.ofSeconds(10), permits);
  }

  private Watch watch(Watcher w, String job, Duration timeout) {
    return w.start(job, URI.create("http://server/status?job=" + job), timeout, Watcher.FirstPoll.SCHEDULED);
  }

  private static final Delivery RAW = new Delivery(java.util.Map.of(), new byte[0]);

  private static StatusAnswer event(String job, JobStatus s) {
    return new StatusAnswer(Optional.of(job), s, Optional.empty(), Optional.empty(), OptionalInt.empty());
  }

  private static Duration ms(long n) {
    return Duration.ofMillis(n);
  }

  private List<FakeTransport.Sent> polls(String job) {
    return net.to("job=" + job);
  }

  @Test
  void aConfirmingPollIsNeverPushedBackByALaterScheduledPoll() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(5)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(5));
    assertEquals(1, polls("a").size());
    // A hint arrives while the scheduled poll is in flight; then that poll answers "pending".
    w.accept("a", event("a", JobStatus.COMPLETED), false, RAW);
    polls("a").get(0).status("a", "pending");
    long now = time.nanoTime();
    long due = a.armedFor().orElseThrow();
    assertTrue(due - now <= Watcher.MIN_INTERVAL_NANOS,
        "the hint's confirmation was pushed back to " + (due - now) / 1e6 + " ms by the 5 s schedule");
    time.advance(ms(10));
    assertEquals(2, polls("a").size(), "the confirming poll went out");
    polls("a").get(1).status("a", "completed");
    JobResult r = a.result.join();
    assertEquals(DetectedBy.POLL, r.detectedBy());
  }

  @Test
  void aVerifiedProgressEventReachesTheScheduleAndEndsNothing() {
    List<io.vtstatus.PollContext> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    Watcher w = watcher(ctx -> {
      asked.add(ctx);
      return Duration.ofSeconds(5);
    }, 8);
    Watch a = watch(w, "a", Duration.ofMinutes(10));
    StatusAnswer progress = new StatusAnswer(Optional.of("a"), JobStatus.PENDING, Optional.empty(),
        Optional.of(Duration.ofSeconds(7)), OptionalInt.of(40));
    int before = asked.size();
    w.accept("a", new StatusAnswer(Optional.of("a"), JobStatus.PENDING, Optional.empty(),
        Optional.of(Duration.ofSeconds(99)), OptionalInt.of(99)), false, RAW);
    assertEquals(before, asked.size(), "an unverified one changes nothing");
    w.accept("a", progress, true, RAW);
    io.vtstatus.PollContext last = asked.get(asked.size() - 1);
    assertEquals(before + 1, asked.size(), "the schedule hears it at once");
    assertEquals(Optional.of(Duration.ofSeconds(7)), last.eta(), "the verified event's, not the hint's");
    assertEquals(OptionalInt.of(40), last.progress());
    time.advance(Duration.ofSeconds(5));
    assertFalse(a.ended());
    assertEquals(1, polls("a").size(), "no confirming poll for progress");
    assertTrue(rec.events.contains("webhook a PENDING verified"), rec.events.toString());
  }

  @Test
  void aHintArrivingBetweenTwoPollsIsConfirmedSoonNotAtTheNextScheduledPoll() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(5)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(5));
    polls("a").get(0).status("a", "pending");
    time.advance(Duration.ofSeconds(2));
    w.accept("a", event("a", JobStatus.ERROR), false, RAW);
    assertTrue(a.armedFor().orElseThrow() - time.nanoTime() <= 0, "confirmation armed for now");
    time.runDue();
    assertEquals(2, polls("a").size());
  }

  @Test
  void anEndedWatchHasNoTimerAndNoRequestLeft() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(1));
    FakeTransport.Sent inFlight = polls("a").get(0);
    w.accept("a", event("a", JobStatus.COMPLETED), true, RAW);
    assertEquals(DetectedBy.WEBHOOK, a.result.join().detectedBy());
    assertTrue(inFlight.reply.isCancelled(), "the request in flight was aborted");
    assertEquals(Optional.empty(), a.armedFor());
    assertEquals(0, time.pending(), "poll and deadline timers cancelled");
    // The aborted request's late completion must not arm anything either.
    time.advance(Duration.ofMinutes(20));
    assertEquals(1, polls("a").size());
    assertEquals(0, w.active());
  }

  @Test
  void theHintRateLimitIsPerJobNotPerWatch() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofHours(1)), 8);
    watch(w, "j", Duration.ofHours(2));
    watch(w, "j", Duration.ofHours(2));
    watch(w, "j", Duration.ofHours(2));
    for (int i = 0; i < 50; i++) {
      w.accept("j", event("j", JobStatus.COMPLETED), false, RAW);
      time.advance(ms(20));
      for (FakeTransport.Sent s : net.open()) {
        s.status("j", "pending");
      }
    }
    // One second of hints for one job, watched three times: one confirmation, then one more
    // at the one-second mark at most.
    assertTrue(polls("j").size() <= 2, polls("j").size() + " confirming polls in one second");
    assertTrue(polls("j").size() >= 1, "the hint was confirmed");
  }

  @Test
  void aPollThatFindsAJobEndedEndsEveryWatchOfIt() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "j", Duration.ofMinutes(1));
    Watch b = watch(w, "j", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    polls("j").get(0).status("j", "completed");
    assertTrue(a.result.isDone() && b.result.isDone());
    assertEquals(JobStatus.COMPLETED, b.result.join().status());
    assertEquals(2, rec.completions.get("j").get(), "each watch ends once");
  }

  @Test
  void unsignedHintsCannotEvictVerifiedEarlyEvents() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    w.accept("early", event("early", JobStatus.ERROR), true, RAW);
    for (int i = 0; i < WebhookSignals.MAX_EARLY_EVENTS * 2; i++) {
      w.accept("noise-" + i, event("noise-" + i, JobStatus.COMPLETED), false, RAW);
    }
    Watch a = watch(w, "early", Duration.ofMinutes(1));
    JobResult r = a.result.join();
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(JobStatus.ERROR, r.status());
    assertTrue(net.sent.isEmpty(), "hints for jobs nobody watches cost no poll");
  }

  @Test
  void aHintIsEvidenceThatWebhooksArriveOnlyOnceAPollConfirmsIt() {
    registration.registered = true;
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    assertTrue(w.webhooksArriving(), "presumed while registered");
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS; i++) {
      watch(w, "p" + i, Duration.ofMinutes(1));
    }
    time.advance(Duration.ofSeconds(1));
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS; i++) {
      polls("p" + i).get(0).status("p" + i, "completed");
    }
    assertFalse(w.webhooksArriving(), "three jobs in a row ended by poll");
    Watch x = watch(w, "x", Duration.ofMinutes(1));
    w.accept("x", event("x", JobStatus.COMPLETED), false, RAW);
    assertFalse(w.webhooksArriving(), "a hint alone proves nothing");
    time.runDue();
    polls("x").get(0).status("x", "pending");
    assertFalse(w.webhooksArriving(), "a hint the poll contradicted proves nothing");
    w.accept("x", event("x", JobStatus.COMPLETED), false, RAW);
    time.advance(Duration.ofSeconds(1));
    polls("x").get(1).status("x", "completed");
    assertTrue(x.result.isDone());
    assertTrue(w.webhooksArriving(), "a confirmed hint shows webhooks reach us");
  }

  @Test
  void aScheduleAnsweringNullZeroOrNegativeCannotMakeAHotLoop() {
    Duration[] answers = {null, Duration.ZERO, Duration.ofSeconds(-5)};
    for (Duration bad : answers) {
      FakeTransport.Sent[] last = new FakeTransport.Sent[1];
      Watcher w = watcher(ctx -> bad, 8);
      String job = "hot" + (bad == null ? "null" : bad.toMillis());
      watch(w, job, Duration.ofMinutes(1));
      for (int step = 0; step < 1000; step++) {
        time.advance(ms(1));
        for (FakeTransport.Sent s : net.open()) {
          s.status(job, "pending");
          last[0] = s;
        }
      }
      int n = polls(job).size();
      long cap = 1000 / TimeUnit.NANOSECONDS.toMillis(Watcher.MIN_INTERVAL_NANOS) + 1;
      assertTrue(n <= cap, bad + ": " + n + " polls in one second (cap " + cap + ")");
      assertTrue(n >= cap / 2, bad + ": polling stopped (" + n + " polls)");
    }
  }

  @Test
  void aDeadlineFiresEvenWhileEveryPermitIsHeldAndItsQueuedPollIsDropped() {
    Watcher w = watcher(ctx -> Duration.ZERO, 1);
    Watch stuck = w.start("stuck", URI.create("http://server/status?job=stuck"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.runDue();
    assertEquals(1, polls("stuck").size(), "holds the only permit and never answers");
    Watch b = w.start("b", URI.create("http://server/status?job=b"), Duration.ofSeconds(2),
        Watcher.FirstPoll.NOW);
    time.runDue();
    assertEquals(1, w.gate().waiting(), "b waits for the permit");
    time.advance(Duration.ofSeconds(2));
    assertTrue(b.result.isCompletedExceptionally(), "b ended at its deadline");
    JobTimeoutException t = (JobTimeoutException) b.result.handle((r, e) -> e).join();
    assertEquals(0, t.polls());
    // The stuck request ends at last: b's queued poll must be dropped, not sent.
    polls("stuck").get(0).status("stuck", "pending");
    time.runDue();
    assertEquals(0, polls("b").size(), "a poll queued for an ended watch was sent");
    assertFalse(stuck.result.isDone());
  }

  @Test
  void queuedPollsOfCancelledWatchesAreNeverSent() {
    Watcher w = watcher(ctx -> Duration.ofSeconds(30), 1);
    w.start("first", URI.create("http://server/status?job=first"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.runDue();
    Watch b = w.start("b", URI.create("http://server/status?job=b"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    Watch c = w.start("c", URI.create("http://server/status?job=c"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    w.start("d", URI.create("http://server/status?job=d"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.runDue();
    assertEquals(3, w.gate().waiting());
    w.cancel(b);
    w.cancel(c);
    polls("first").get(0).status("first", "pending");
    time.runDue();
    assertEquals(0, polls("b").size());
    assertEquals(0, polls("c").size());
    assertEquals(1, polls("d").size());
    assertInstanceOf(CancellationException.class, c.result.handle((r, e) -> e).join());
  }

  @Test
  void noRequestAfterTheDeadlineAndTheLastOneIsTimedToEndByIt() {
    Watcher w = watcher(ctx -> Duration.ofMinutes(1), 8);
    Watch a = watch(w, "a", Duration.ofSeconds(2));
    // The schedule says a minute; the last-poll slot is half a second before the deadline.
    time.advance(ms(1499));
    assertEquals(0, polls("a").size());
    time.advance(ms(1));
    assertEquals(1, polls("a").size());
    assertEquals(ms(500), polls("a").get(0).call.timeout(), "its answer is due by the deadline");
    polls("a").get(0).status("a", "pending");
    time.advance(ms(500));
    assertTrue(a.result.isCompletedExceptionally());
    assertEquals(1, polls("a").size(), "nothing after the last poll");
    time.advance(Duration.ofMinutes(5));
    assertEquals(1, polls("a").size());
  }

  @Test
  void aTimeoutWithoutLimitArmsNoDeadlineAndOverflowsNothing() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", ChronoUnit.FOREVER.getDuration());
    assertFalse(a.bounded);
    assertEquals(1, time.pending(), "only the poll timer");
    time.advance(Duration.ofSeconds(1));
    assertEquals(Duration.ofSeconds(10), polls("a").get(0).call.timeout());
    polls("a").get(0).status("a", "completed");
    assertEquals(JobStatus.COMPLETED, a.result.join().status());
  }

  @Test
  void a404FailsFastAndAsksForRegistrationAgain() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    polls("a").get(0).answer(404, "{\"error\":\"unknown job\"}");
    assertInstanceOf(JobNotFoundException.class, a.result.handle((r, e) -> e).join());
    assertEquals(1, registration.refreshes.get());
  }

  @Test
  void anAnswerThatIsNotUtf8IsAProtocolErrorAtOnce() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    byte[] body = "{\"result\":\"pending\",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
    polls("a").get(0).reply.complete(new Transport.Reply(200, Map.of(), body));
    Throwable e = a.result.handle((r, x) -> x).join();
    assertInstanceOf(ProtocolException.class, e);
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
    assertEquals(1, polls("a").size(), "not retried");
  }

  @Test
  void retryAfterIsAFloorInSecondsOrAsAnHttpDate() {
    Watcher w = watcher(PollSchedule.fixed(ms(100)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(10));
    time.advance(ms(100));
    polls("a").get(0).answer(503, "{}", "Retry-After", "7");
    long afterFirst = a.armedFor().orElseThrow() - time.nanoTime();
    assertTrue(afterFirst >= TimeUnit.SECONDS.toNanos(7), "next poll in " + afterFirst / 1e6 + " ms");
    time.advance(Duration.ofNanos(afterFirst));
    polls("a").get(1).answer(429, "{}", "Retry-After", "Thu, 01 Jan 2026 00:00:42 GMT");
    long afterSecond = a.armedFor().orElseThrow() - time.nanoTime();
    assertTrue(afterSecond >= TimeUnit.SECONDS.toNanos(42), "next poll in " + afterSecond / 1e6 + " ms");
    assertEquals(2, rec.pollFailures.get());
  }

  @Test
  void retryAfterParsing() {
    assertEquals(Optional.of(Duration.ofSeconds(3)), StatusApi.retryAfter(Optional.of(" 3 "), WALL));
    assertEquals(Optional.of(Duration.ofSeconds(30)),
        StatusApi.retryAfter(Optional.of("Thu, 01 Jan 2026 00:00:30 GMT"), WALL));
    assertEquals(Optional.of(Duration.ZERO),
        StatusApi.retryAfter(Optional.of("Wed, 31 Dec 2025 23:00:00 GMT"), WALL), "a date in the past");
    assertEquals(Optional.of(StatusApi.MAX_RETRY_AFTER),
        StatusApi.retryAfter(Optional.of("99999999999999999999"), WALL), "capped, not overflowed");
    assertEquals(Optional.empty(), StatusApi.retryAfter(Optional.of("-3"), WALL));
    assertEquals(Optional.empty(), StatusApi.retryAfter(Optional.of("soon"), WALL));
    assertEquals(Optional.empty(), StatusApi.retryAfter(Optional.empty(), WALL));
  }

  @Test
  void closingEndsEveryWatchAndRefusesNewOnes() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    w.closeAll();
    assertInstanceOf(CancellationException.class, a.result.handle((r, e) -> e).join());
    assertTrue(polls("a").get(0).reply.isCancelled());
    assertEquals(0, time.pending());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> watch(w, "b", Duration.ofMinutes(1)));
  }

  /** Every listener call, in order, as one line each. */
  static final class Events implements io.vtstatus.JobListener {
    final List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void pollSent(String jobId, int attempt) {
      log.add("sent " + jobId + " " + attempt);
    }

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      log.add("answered " + jobId + " " + attempt + " " + status);
    }

    @Override
    public void pollFailed(String jobId, int attempt, Exception failure) {
      log.add("failed-poll " + jobId + " " + attempt);
    }

    @Override
    public void statusChanged(String jobId, JobStatus from, JobStatus to) {
      log.add("changed " + jobId + " " + from + ">" + to);
    }

    @Override
    public void webhookReceived(String jobId, JobStatus status, boolean verified) {
      log.add("webhook " + jobId + " " + status + " " + verified);
    }

    @Override
    public void completed(JobResult result) {
      log.add("completed " + result.jobId() + " " + result.status() + " " + result.detectedBy()
          + " polls=" + result.polls() + " waited=" + result.waited().toMillis());
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      log.add("failed " + jobId + " " + failure.getClass().getSimpleName() + " waited=" + waited.toMillis());
    }
  }

  @Test
  void theListenerHearsEachStepOnceAndInOrder() {
    Events ev = new Events();
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8, ev);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    assertEquals(1, w.active());
    time.advance(Duration.ofSeconds(1));
    polls("a").get(0).status("a", "pending");
    time.advance(Duration.ofSeconds(1));
    polls("a").get(1).status("a", "completed");
    assertEquals(List.of("sent a 1", "answered a 1 PENDING", "sent a 2", "answered a 2 COMPLETED",
        "changed a PENDING>COMPLETED", "completed a COMPLETED POLL polls=2 waited=2000"), ev.log);
    assertEquals(0, a.done.getCount(), "await's latch was released");
    assertEquals(0, w.active());
    Watch b = watch(w, "b", Duration.ofSeconds(3));
    w.accept("b", event("b", JobStatus.ERROR), true, RAW);
    assertEquals("webhook b ERROR true", ev.log.get(6));
    assertEquals("changed b PENDING>ERROR", ev.log.get(7));
    assertEquals("completed b ERROR WEBHOOK polls=0 waited=0", ev.log.get(8));
    assertEquals(0, b.done.getCount());
    Watch c = watch(w, "c", Duration.ofSeconds(3));
    time.advance(Duration.ofSeconds(3));
    assertEquals("failed c JobTimeoutException waited=3000", ev.log.get(ev.log.size() - 1));
    assertEquals(0, c.done.getCount());
    assertEquals(0, w.active());
  }

  @Test
  void everyWatchOfAJobHearsItsStatusChange() {
    Events ev = new Events();
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8, ev);
    watch(w, "j", Duration.ofMinutes(1));
    watch(w, "j", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    net.open().get(0).status("j", "error");
    assertEquals(2, ev.log.stream().filter(l -> l.equals("changed j PENDING>ERROR")).count(), ev.log.toString());
    w.accept("k", event("k", JobStatus.COMPLETED), true, RAW);
    watch(w, "k", Duration.ofMinutes(1));
    assertTrue(ev.log.contains("changed k PENDING>COMPLETED"), "a watch ended by an early event hears it too");
  }

  @Test
  void activeCountsPendingWatches() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    watch(w, "a", Duration.ofMinutes(1));
    watch(w, "b", Duration.ofMinutes(1));
    assertEquals(3, w.active());
    w.cancel(a);
    assertEquals(2, w.active());
    w.accept("a", event("a", JobStatus.COMPLETED), true, RAW);
    assertEquals(1, w.active());
  }

  @Test
  void theScheduleLearnsTheJobsOwnDurationNotTheDetectionTime() {
    List<Duration> learned = new java.util.ArrayList<>();
    PollSchedule s = new PollSchedule() {
      @Override
      public Duration nextDelay(io.vtstatus.PollContext ctx) {
        return Duration.ofSeconds(5);
      }

      @Override
      public void jobFinished(Duration d, DetectedBy by) {
        learned.add(d);
      }
    };
    Watcher w = watcher(s, 8);
    watch(w, "a", Duration.ofMinutes(1));
    watch(w, "b", Duration.ofMinutes(1));
    watch(w, "c", Duration.ofMinutes(1));
    watch(w, "d", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(5));
    // Ended 3 s after the watch started (the wall clock stands at the start): detected at 5 s.
    polls("a").get(0).answer(200, "{\"result\":\"completed\",\"updated_at\":\"2026-01-01T00:00:03Z\"}");
    // No updated_at: the detection time is all we know.
    polls("b").get(0).answer(200, "{\"result\":\"completed\"}");
    // An updated_at before the watch started: the job was already over, how long it ran is
    // unknown, and it teaches nothing (a zero would say jobs can end at once).
    polls("c").get(0).answer(200, "{\"result\":\"error\",\"updated_at\":\"2025-12-31T23:59:00Z\"}");
    // One in the future (clock skew): no later than we saw it.
    polls("d").get(0).answer(200, "{\"result\":\"completed\",\"updated_at\":\"2026-01-01T00:01:00Z\"}");
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(5)),
        learned);
  }

  @Test
  void aScheduleThatThrowsPollsAgainInASecond() {
    Watcher w = watcher(ctx -> {
      throw new IllegalStateException("broken schedule");
    }, 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    assertEquals(TimeUnit.SECONDS.toNanos(1), a.armedFor().orElseThrow() - time.nanoTime());
  }

  @Test
  void aScheduleAskingForAnAgeIsClampedToTheLastPollSlot() {
    Watcher w = watcher(ctx -> Duration.ofDays(365 * 1000), 8);
    Watch a = watch(w, "a", Duration.ofSeconds(10));
    assertEquals(a.finalPollNanos, a.armedFor().orElseThrow());
    Watch b = watch(w, "b", ChronoUnit.FOREVER.getDuration());
    assertTrue(b.armedFor().orElseThrow() - time.nanoTime() > TimeUnit.DAYS.toNanos(365), "saturated");
  }

  @Test
  void aVerifiedWebhookRestoresBeliefInWebhooks() {
    registration.registered = true;
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS; i++) {
      watch(w, "p" + i, Duration.ofMinutes(1));
    }
    time.advance(Duration.ofSeconds(1));
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS - 1; i++) {
      polls("p" + i).get(0).status("p" + i, "completed");
    }
    assertTrue(w.webhooksArriving(), "two poll wins are not yet evidence");
    polls("p2").get(0).status("p2", "completed");
    assertFalse(w.webhooksArriving());
    w.accept("other", event("other", JobStatus.COMPLETED), true, RAW);
    assertTrue(w.webhooksArriving());
    registration.registered = false;
    assertFalse(w.webhooksArriving(), "nothing arrives unregistered");
  }

  @Test
  void aHintThatCameBeforeTheWatchIsConfirmedAtOnce() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofHours(1)), 8);
    w.accept("early", event("early", JobStatus.COMPLETED), false, RAW);
    Watch a = watch(w, "early", Duration.ofHours(2));
    time.runDue();
    assertEquals(1, polls("early").size(), "confirmed now, not in an hour");
    polls("early").get(0).status("early", "completed");
    assertEquals(DetectedBy.POLL, a.result.join().detectedBy());
  }

  @Test
  void theBackoffDoublesItsCapWithEachFailureAndIsJitteredAcrossIt() {
    Watcher w = watcher(PollSchedule.fixed(ms(10)), 64);
    int n = 60;
    List<Watch> ws = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      ws.add(watch(w, "f" + i, Duration.ofHours(1)));
    }
    time.advance(ms(10));
    for (int failures = 1; failures <= 3; failures++) {
      long cap = TimeUnit.MILLISECONDS.toNanos(250) << failures;
      for (FakeTransport.Sent open : net.open()) {
        open.answer(503, "{}");
      }
      long now = time.nanoTime();
      double sum = 0;
      for (Watch x : ws) {
        long d = x.armedFor().orElseThrow() - now;
        assertTrue(d <= cap, "after " + failures + " failures: " + d / 1e6 + " ms > cap " + cap / 1e6);
        sum += d;
      }
      double mean = sum / n;
      // Full jitter: uniform over [0, cap], mean cap/2; 60 samples put it well inside this band.
      assertTrue(mean > cap / 4.0 && mean < cap * 3 / 4.0,
          "after " + failures + " failures the mean delay is " + mean / 1e6 + " ms, cap " + cap / 1e6);
      time.advance(Duration.ofNanos(cap));
      assertEquals(n, net.open().size());
    }
  }

  @Test
  void aWatchStartedOnAStoppedSchedulerFailsAsClosed() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    time.shutdown();
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    assertInstanceOf(CancellationException.class, a.result.handle((r, e) -> e).join());
    assertEquals(0, w.active());
  }

  @Test
  void aTransportThatRefusesBecauseItIsClosedEndsTheWatchAsCancelled() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    Watch b = watch(w, "b", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    polls("a").get(0).reply.completeExceptionally(new java.util.concurrent.RejectedExecutionException("closed"));
    assertInstanceOf(CancellationException.class, a.result.handle((r, e) -> e).join());
    polls("b").get(0).reply.completeExceptionally(new IllegalStateException("a bug"));
    assertInstanceOf(IllegalStateException.class, b.result.handle((r, e) -> e).join(),
        "a bug ends the watch instead of leaving it hanging");
  }

  @Test
  void noRequestStartsWithLessThanAMillisecondLeft() {
    Watcher w = watcher(ctx -> Duration.ZERO, 1);
    w.start("first", URI.create("http://server/status?job=first"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.runDue();
    Watch b = w.start("b", URI.create("http://server/status?job=b"), Duration.ofSeconds(2),
        Watcher.FirstPoll.NOW);
    time.runDue();
    time.advance(Duration.ofNanos(TimeUnit.SECONDS.toNanos(2) - TimeUnit.MICROSECONDS.toNanos(500)));
    polls("first").get(0).status("first", "pending");
    time.runDue();
    assertEquals(0, polls("b").size(), "a request with half a millisecond left cannot be answered in time");
    time.advance(ms(1));
    assertTrue(b.result.isCompletedExceptionally());
    // The permit b did not use was given back: the next poll in line (first's) went out.
    assertEquals(2, polls("first").size());
  }

  @Test
  void theGateLetsExactlyItsPermitsThrough() {
    Watcher w = watcher(ctx -> Duration.ofMinutes(5), 2);
    for (int i = 0; i < 5; i++) {
      w.start("g" + i, URI.create("http://server/status?job=g" + i), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    }
    time.runDue();
    assertEquals(2, net.open().size());
    assertEquals(3, w.gate().waiting());
    net.open().get(0).status("g0", "pending");
    time.runDue();
    assertEquals(2, net.open().size(), "one answer lets exactly one more through");
    assertEquals(2, w.gate().waiting());
    for (int i = 0; i < 4; i++) {
      net.open().get(0).status("x", "pending");
      time.runDue();
    }
    assertEquals(0, w.gate().waiting());
    assertEquals(5, net.sent.size());
    net.open().forEach(o -> o.status("x", "pending"));
    assertEquals(0, w.gate().inUse());
  }

  @Test
  void aTimeoutCarriesTheLastFailureAsItsCause() {
    Watcher w = watcher(PollSchedule.fixed(ms(100)), 8);
    Watch a = watch(w, "a", Duration.ofSeconds(2));
    time.advance(ms(100));
    polls("a").get(0).reply.completeExceptionally(new java.net.ConnectException("refused"));
    time.advance(Duration.ofSeconds(2));
    JobTimeoutException t = (JobTimeoutException) a.result.handle((r, e) -> e).join();
    assertInstanceOf(java.net.ConnectException.class, t.getCause());
    Watch b = watch(w, "b", Duration.ofSeconds(1));
    time.advance(Duration.ofSeconds(1));
    JobTimeoutException tb = (JobTimeoutException) b.result.handle((r, e) -> e).join();
    assertEquals(null, tb.getCause(), "no failure, no cause");
  }

  // ---------------------------------------------------------------- issue 19: misuse and races

  /** A listener that fails every callback the way a JUnit assertion inside it would. */
  static final class Asserting implements io.vtstatus.JobListener {
    @Override
    public void pollSent(String jobId, int attempt) {
      throw new AssertionError("pollSent");
    }

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      throw new AssertionError("pollAnswered");
    }

    @Override
    public void statusChanged(String jobId, JobStatus from, JobStatus to) {
      throw new AssertionError("statusChanged");
    }

    @Override
    public void completed(JobResult result) {
      throw new AssertionError("completed");
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      throw new AssertionError("failed");
    }
  }

  @Test
  void aListenerThatThrowsAnErrorNeitherHangsAWatchNorLeaksItsPermit() {
    // One permit: a permit lost to one throwing pollSent would stop every other watch.
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 1, new Asserting());
    List<Watch> ws = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ws.add(watch(w, "j" + i, Duration.ofMinutes(1)));
    }
    for (int round = 0; round < 20 && net.sent.size() < 8; round++) {
      time.advance(Duration.ofSeconds(1));
      for (FakeTransport.Sent s : net.open()) {
        String job = s.call.uri().getQuery().substring("job=".length());
        s.status(job, "completed");
      }
    }
    for (Watch a : ws) {
      assertEquals(JobStatus.COMPLETED, a.result.getNow(null).status(), a.jobId + " ended with the truth");
      assertEquals(0, a.done.getCount(), "await is released");
    }
    assertEquals(8, net.sent.size(), "one poll each");
    assertEquals(0, w.gate().inUse());
    assertEquals(0, time.pending(), "no timer left behind");
  }

  @Test
  void aFailureCallbackThatThrowsAnErrorStillEndsTheWatchWithItsFailure() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 1, new Asserting());
    Watch a = watch(w, "a", Duration.ofSeconds(5));
    Watch b = watch(w, "b", Duration.ofSeconds(5));
    w.cancel(b);
    time.advance(Duration.ofSeconds(1));
    polls("a").get(0).answer(404, "{}");
    assertInstanceOf(JobNotFoundException.class, a.result.handle((r, e) -> e).join());
    assertInstanceOf(CancellationException.class, b.result.handle((r, e) -> e).join());
    assertEquals(0, a.done.getCount() + b.done.getCount());
  }

  @Test
  void aScheduleThatThrowsAnErrorStillPollsAndEnds() {
    PollSchedule broken = new PollSchedule() {
      @Override
      public Duration nextDelay(io.vtstatus.PollContext ctx) {
        throw new AssertionError("nextDelay");
      }

      @Override
      public void jobFinished(Duration d, DetectedBy by) {
        throw new AssertionError("jobFinished");
      }

      @Override
      public void watchEnded(io.vtstatus.PollContext last) {
        throw new AssertionError("watchEnded");
      }
    };
    Watcher w = watcher(broken, 1);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    polls("a").get(0).status("a", "completed");
    assertEquals(JobStatus.COMPLETED, a.result.join().status());
    assertEquals(0, a.done.getCount());
  }

  @Test
  void aJobThatMayHaveEndedBeforeItsWatchIsLookedAtWithinASecondWhateverTheScheduleSays() {
    // A schedule that learned long jobs (or a sparse webhook safety net) waits 10 minutes.
    Watcher w = watcher(ctx -> Duration.ofMinutes(10), 8);
    Watch old = w.start("old", URI.create("http://server/status?job=old"), Duration.ofHours(1),
        Watcher.FirstPoll.SOON);
    long due = old.armedFor().orElseThrow() - time.nanoTime();
    assertTrue(due <= Watcher.FIRST_LOOK_NANOS, "first poll due in " + due / 1e6 + " ms");
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, polls("old").size());
    polls("old").get(0).answer(200,
        "{\"result\":\"completed\",\"updated_at\":\"2025-12-31T00:00:00Z\"}");
    assertEquals(DetectedBy.POLL, old.result.join().detectedBy());
    // A job this client created a moment ago is running: its first poll waits for the schedule.
    Watch fresh = watch(w, "fresh", Duration.ofHours(1));
    assertEquals(TimeUnit.MINUTES.toNanos(10), fresh.armedFor().orElseThrow() - time.nanoTime());
    // A schedule that polls sooner than a second keeps its own first poll.
    Watcher quick = watcher(ctx -> ms(200), 8);
    Watch q = quick.start("q", URI.create("http://server/status?job=q"), Duration.ofHours(1),
        Watcher.FirstPoll.SOON);
    assertEquals(TimeUnit.MILLISECONDS.toNanos(200), q.armedFor().orElseThrow() - time.nanoTime());
  }

  /** A scheduler whose timers, once handed out, are already running: cancelling comes too late. */
  static final class AlreadyRunning implements io.vtstatus.internal.util.Scheduler {
    final List<Runnable> tasks = new java.util.ArrayList<>();

    @Override
    public long nanoTime() {
      return 0;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
      tasks.add(task);
      return () -> { };
    }
  }

  @Test
  void aPollTimerReplacedWhileItFiresStartsNoSecondPollChain() {
    // The schedule's timer has fired and is about to run, when a webhook's confirmation slot
    // re-arms the watch for sooner: the first timer's cancel comes too late.
    AlreadyRunning s = new AlreadyRunning();
    Watch a = new Watch("a", URI.create("http://server/status?job=a"), 0, WALL.instant(),
        TimeUnit.HOURS.toNanos(1), Watcher.MAX_FINAL_BUDGET_NANOS);
    List<Boolean> queued = new java.util.ArrayList<>();
    a.arm(100, s, n -> queued.add(a.fired(n)));
    a.arm(50, s, n -> queued.add(a.fired(n)));
    s.tasks.get(0).run();
    assertEquals(List.of(false), queued, "the replaced timer does not poll");
    assertEquals(Optional.of(50L), a.armedFor(), "nor does it forget the timer that replaced it");
    s.tasks.get(1).run();
    assertEquals(List.of(false, true), queued, "the one armed timer polls, once");
    assertTrue(a.end());
  }

  /** Records what the client teaches its schedule. */
  static final class Learning implements io.vtstatus.internal.schedule.LearningSchedule {
    final List<Duration> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> ended = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public Duration nextDelay(io.vtstatus.PollContext ctx) {
      return Duration.ofSeconds(1);
    }

    @Override
    public void jobFinished(Duration d, DetectedBy by) {
      finished.add(d);
    }

    @Override
    public void watchEnded(io.vtstatus.PollContext last) {
      ended.add(last.jobId() + " " + last.lastStatus());
    }

    @Override
    public void watchEndedUnknown(io.vtstatus.PollContext last) {
      ended.add(last.jobId() + " unknown");
    }
  }

  @Test
  void theScheduleLearnsEachJobOnceHoweverManyWatchesItHas() {
    Learning s = new Learning();
    Watcher w = watcher(s, 8);
    watch(w, "hooked", Duration.ofMinutes(1));
    watch(w, "hooked", Duration.ofMinutes(1));
    watch(w, "polled", Duration.ofMinutes(1));
    watch(w, "polled", Duration.ofMinutes(1));
    time.advance(ms(500));
    w.accept("hooked", event("hooked", JobStatus.COMPLETED), true, RAW);
    assertEquals(List.of(ms(500)), s.finished, "one job, one lesson");
    time.advance(ms(500));
    polls("polled").get(0).status("polled", "completed");
    assertEquals(List.of(ms(500), Duration.ofSeconds(1)), s.finished);
    assertEquals(4, s.ended.size(), "each watch still ends once");
  }

  @Test
  void aWatchAnsweredFromTheEarlyEventBufferTeachesNoDuration() {
    Learning s = new Learning();
    Watcher w = watcher(s, 8);
    w.accept("early", event("early", JobStatus.COMPLETED), true, RAW);
    Watch a = watch(w, "early", Duration.ofMinutes(1));
    assertEquals(DetectedBy.WEBHOOK, a.result.join().detectedBy());
    assertEquals(List.of(), s.finished, "it ran for an unknown time before the watch, not zero");
    assertEquals(List.of("early COMPLETED"), s.ended);
  }

  @Test
  void aJobTheServerDoesNotKnowOrAnswersUnusablyTeachesNoDuration() {
    Learning s = new Learning();
    Watcher w = watcher(s, 8);
    watch(w, "missing", Duration.ofMinutes(1));
    watch(w, "garbled", Duration.ofMinutes(1));
    watch(w, "slow", Duration.ofSeconds(5));
    time.advance(Duration.ofSeconds(1));
    polls("missing").get(0).answer(404, "{}");
    polls("garbled").get(0).answer(200, "not json");
    polls("slow").get(0).status("slow", "pending");
    time.advance(Duration.ofSeconds(5));
    assertEquals(List.of("missing unknown", "garbled unknown", "slow PENDING"), s.ended,
        "only the watch that gave up on a running job says it ran at least this long");
    assertEquals(List.of(), s.finished);
  }

  @Test
  void aHintThatAPollContradictedCannotLaterPassForAWorkingWebhook() {
    registration.registered = true;
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS; i++) {
      watch(w, "p" + i, Duration.ofMinutes(1));
    }
    time.advance(Duration.ofSeconds(1));
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS; i++) {
      polls("p" + i).get(0).status("p" + i, "completed");
    }
    assertFalse(w.webhooksArriving());
    // A forger says "completed" early; the confirming poll finds the job running.
    Watch x = watch(w, "x", Duration.ofMinutes(1));
    w.accept("x", event("x", JobStatus.COMPLETED), false, RAW);
    time.runDue();
    polls("x").get(0).status("x", "pending");
    // The job really ends later, found by the schedule's poll: no webhook told us.
    time.advance(Duration.ofSeconds(1));
    polls("x").get(1).status("x", "completed");
    assertTrue(x.result.isDone());
    assertFalse(w.webhooksArriving(), "a contradicted hint is no evidence that webhooks arrive");
  }

  /** Polls every 10 minutes; tells {@code told} each duration it learns and by what signal. */
  private static PollSchedule everyTenMinutesTelling(List<String> told) {
    return new PollSchedule() {
      @Override
      public Duration nextDelay(io.vtstatus.PollContext ctx) {
        return Duration.ofMinutes(10);
      }

      @Override
      public void jobFinished(Duration d) {
        told.add(d + " by nothing said");
      }

      @Override
      public void jobFinished(Duration d, DetectedBy by) {
        told.add(d + " by " + by);
      }
    };
  }

  @Test
  void aFirstLookThatFindsAJobOverIsNoEvidenceAboutWebhooks() {
    registration.registered = true;
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    Watcher w = watcher(everyTenMinutesTelling(told), 8);
    // A restarted service awaits jobs that ended while it was down: no webhook was ever coming.
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS + 1; i++) {
      w.start("old" + i, URI.create("http://server/status?job=old" + i), Duration.ofHours(1),
          Watcher.FirstPoll.SOON);
    }
    time.advance(Duration.ofSeconds(1));
    for (int i = 0; i < WebhookSignals.SILENT_AFTER_POLL_WINS + 1; i++) {
      polls("old" + i).get(0).status("old" + i, "completed");
    }
    assertTrue(w.webhooksArriving(), "jobs over before we looked say nothing about webhooks");
    assertEquals(WebhookSignals.SILENT_AFTER_POLL_WINS + 1, told.size());
    assertTrue(told.stream().allMatch(t -> t.endsWith("by nothing said")), told.toString());
  }

  @Test
  void aFirstLookRetriedAfterAFailedRequestIsStillNoEvidenceAboutWebhooks() {
    registration.registered = true;
    List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
    Watcher w = watcher(everyTenMinutesTelling(told), 8);
    int n = WebhookSignals.SILENT_AFTER_POLL_WINS + 1;
    for (int i = 0; i < n; i++) {
      w.start("old" + i, URI.create("http://server/status?job=old" + i), Duration.ofHours(1),
          Watcher.FirstPoll.SOON);
    }
    time.advance(Duration.ofSeconds(1));
    // Each first look fails; its retry (the backoff's, not the schedule's) finds the job over.
    for (int i = 0; i < n; i++) {
      polls("old" + i).get(0).answer(503, "{}");
    }
    time.advance(Duration.ofSeconds(1));
    for (int i = 0; i < n; i++) {
      assertEquals(2, polls("old" + i).size(), "the first look was retried");
      polls("old" + i).get(1).status("old" + i, "completed");
    }
    assertTrue(w.webhooksArriving(), "a first look answered on its second request is still a first look");
    assertEquals(n, told.size());
    assertTrue(told.stream().allMatch(t -> t.endsWith("by nothing said")), told.toString());
  }

  @Test
  void theScheduleCountsPollsSentAndPollsAnsweredApart() {
    List<io.vtstatus.PollContext> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    Watcher w = watcher(ctx -> {
      asked.add(ctx);
      return ctx.polls() == 0 ? Duration.ZERO : Duration.ofMinutes(10);
    }, 8);
    Watch a = watch(w, "a", Duration.ofHours(1));
    assertEquals(0, asked.get(0).polls(), "asked for the first poll");
    time.advance(ms(10));
    polls("a").get(0).answer(503, "{}");
    time.advance(Duration.ofSeconds(1));
    polls("a").get(1).status("a", "pending");
    io.vtstatus.PollContext after = asked.get(asked.size() - 1);
    assertEquals(2, after.polls(), "both requests were sent");
    assertEquals(1, after.answeredPolls(), "one was answered");
    assertEquals(2, a.snapshot().polls());
    assertTrue(a.armedFor().orElseThrow() - time.nanoTime() >= TimeUnit.MINUTES.toNanos(9),
        "after a failed first request the next poll is not a first poll");
  }

  @Test
  void aJobWithWatchesStartedAtDifferentTimesTeachesTheLongestWait() {
    Learning s = new Learning();
    Watcher w = watcher(s, 8);
    watch(w, "j", Duration.ofMinutes(1));
    time.advance(ms(700));
    watch(w, "j", Duration.ofMinutes(1));
    time.advance(ms(300));
    // The first watch's poll finds the job ended: 1 s after the first watch, 0.3 s after the other.
    polls("j").get(0).status("j", "completed");
    assertEquals(List.of(Duration.ofSeconds(1)), s.finished, "the watch that saw most of it");
    assertEquals(2, s.ended.size());
  }

  @Test
  void aResumedWaitCountsItsEarlierTimeAndPollsAndKeepsItsDeadline() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(5)), 8);
    Instant began = WALL.instant().minusSeconds(20);
    Watch a = w.start("a", URI.create("http://server/status?job=a"), Duration.ofMinutes(1),
        Watcher.FirstPoll.NOW, Optional.of(new Watch.Origin(began, TimeUnit.SECONDS.toNanos(20), 3)));
    ResumeToken t = a.resumeToken("server", "default");
    assertEquals(Optional.of(WALL.instant().plus(Duration.ofMinutes(1))), t.deadline());
    assertEquals(began, t.began());
    assertEquals(3, t.polls());
    time.advance(Duration.ZERO);
    time.advance(Duration.ofSeconds(2));
    polls("a").get(0).status("a", "completed");
    JobResult r = a.result.join();
    assertEquals(4, r.polls(), "3 before, 1 now");
    assertEquals(Duration.ofSeconds(22), r.waited(), "20 s before, 2 s now");
    Watch unbounded = w.start("u", URI.create("http://server/status?job=u"),
        Duration.ofNanos(Long.MAX_VALUE), Watcher.FirstPoll.SCHEDULED);
    assertEquals(Optional.empty(), unbounded.resumeToken("server", "default").deadline(),
        "no deadline to carry");
    assertTrue(unbounded.end());
  }

  @Test
  void aTransportThatThrowsEndsTheWatchAndFreesItsPermit() {
    Transport broken = new Transport() {
      @Override
      public java.util.concurrent.CompletableFuture<Reply> send(Call call) {
        throw new IllegalStateException("transport broke");
      }

      @Override
      public void close() {}
    };
    Watcher w = new Watcher(time, new StatusApi(URI.create("http://server"), broken, WALL),
        PollSchedule.fixed(Duration.ofSeconds(1)), new SafeListener(rec), registration, WALL,
        Duration.ofSeconds(10), 1);
    Watch a = w.start("a", URI.create("http://server/status?job=a"), Duration.ofMinutes(1),
        Watcher.FirstPoll.NOW);
    Watch b = w.start("b", URI.create("http://server/status?job=b"), Duration.ofMinutes(1),
        Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    assertTrue(a.result.isDone() && b.result.isDone(), "neither watch is left hanging");
    assertInstanceOf(IllegalStateException.class, a.result.handle((r, e) -> e).join());
    assertInstanceOf(IllegalStateException.class, b.result.handle((r, e) -> e).join(),
        "b had the one permit after a, and failed the same way at once");
    assertEquals(0, w.gate().inUse());
    assertEquals(0, w.active());
  }

  @Test
  void anAnswerAfterTheSchedulerStoppedEndsTheWatchAndDropsTheQueue() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 1);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    watch(w, "b", Duration.ofMinutes(1));
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, w.gate().waiting(), "b waits for a's permit");
    time.shutdown();
    polls("a").get(0).status("a", "pending");
    assertTrue(a.result.isDone());
    assertInstanceOf(CancellationException.class, a.result.handle((r, e) -> e).join(),
        "its next poll cannot be armed: it ends as closed instead of hanging");
    assertEquals(0, w.gate().waiting(), "nothing left to start b's poll: it is dropped");
    assertEquals(List.of(), polls("b"));
  }

  @Test
  void aWatchCancelledTwiceEndsOnce() {
    Events ev = new Events();
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8, ev);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    w.cancel(a);
    w.cancel(a);
    assertEquals(List.of("failed a CancellationException waited=0"), ev.log);
  }

  @Test
  void anyWatchFindsALiveWatchOfTheJobOnly() {
    Watcher w = watcher(PollSchedule.fixed(Duration.ofSeconds(1)), 8);
    Watch a = watch(w, "a", Duration.ofMinutes(1));
    assertEquals(Optional.of(a), w.anyWatch("a"));
    assertEquals(Optional.empty(), w.anyWatch("b"));
    w.cancel(a);
    assertEquals(Optional.empty(), w.anyWatch("a"));
  }
}
