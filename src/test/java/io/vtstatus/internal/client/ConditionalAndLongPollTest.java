package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.ProtocolException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code If-None-Match}/{@code 304} and {@code Prefer: wait=N} as the watcher uses them, on fake
 * time and a fake transport: what each read sends, how long it may take, and what each answer
 * makes the watch do next.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConditionalAndLongPollTest {
  static final Clock WALL = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  static final PollSchedule EVERY_5S = PollSchedule.fixed(Duration.ofSeconds(5));
  private final FakeScheduler time = new FakeScheduler();
  private final FakeTransport net = new FakeTransport();
  private final Events events = new Events();

  static final class Events implements JobListener {
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger pollFailures = new AtomicInteger();
    final List<Throwable> failed = new CopyOnWriteArrayList<>();
    final List<Duration[]> cuts = new CopyOnWriteArrayList<>();

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      answered.incrementAndGet();
    }

    @Override
    public void pollFailed(String jobId, int attempt, Exception failure) {
      pollFailures.incrementAndGet();
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      failed.add(failure);
    }

    @Override
    public void longPollCut(Duration heldFor, Duration nowWait) {
      cuts.add(new Duration[] {heldFor, nowWait});
    }
  }

  private Watcher watcher(Duration longPoll) {
    return watcher(time, net, events, longPoll);
  }

  /** A watcher on fake time and a fake network, polling every 5 s, holding up to {@code longPoll}. */
  static Watcher watcher(FakeScheduler time, FakeTransport net, JobListener events,
      Duration longPoll) {
    return new Watcher(time, new StatusApi(URI.create("http://server"), net, WALL), EVERY_5S,
        new SafeListener(events), Registration.NONE, WALL, REQUEST_TIMEOUT, 8, longPoll);
  }

  /**
   * {@code w} sees the server hold a read (of another job, "h", whose next read then waits
   * unanswered): from now on its reads ask for the whole cap and go out as held calls.
   */
  private Watcher holding(Watcher w) {
    w.start("h", URI.create("http://server/status?job=h"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    assertEquals("wait=1", net.to("job=h").get(0).call.headers().get("Prefer"),
        "not known to hold yet: a short wait");
    return heldOnce(time, net, w);
  }

  /** Answers job "h"'s first read as held, so {@code w} has seen the server hold one. */
  static Watcher heldOnce(FakeScheduler time, FakeTransport net, Watcher w) {
    net.to("job=h").get(0).answer(200, PENDING.replace("\"a\"", "\"h\""),
        "Preference-Applied", "wait=1");
    time.advance(Duration.ZERO);
    return w;
  }

  private Watch watch(Watcher w, Duration timeout) {
    return w.start("a", URI.create("http://server/status?job=a"), timeout, Watcher.FirstPoll.NOW);
  }

  static final String PENDING = "{\"job\":\"a\",\"result\":\"pending\",\"status\":\"pending\"}";
  private static final String DONE = "{\"job\":\"a\",\"result\":\"completed\",\"status\":\"completed\"}";

  private FakeTransport.Sent read(int i) {
    List<FakeTransport.Sent> s = net.to("job=a");
    assertTrue(s.size() > i, "read " + (i + 1) + " was not sent (" + s.size() + " sent)");
    return s.get(i);
  }

  private static String header(FakeTransport.Sent s, String name) {
    return s.call.headers().get(name);
  }

  @Test
  void theETagGoesBackAndA304IsAnAnsweredPollWithoutABody() {
    Watch a = watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    assertEquals(null, header(read(0), "If-None-Match"), "nothing to validate yet");
    read(0).answer(200, PENDING, "ETag", "\"p1\"");
    time.advance(Duration.ofSeconds(5));
    assertEquals("\"p1\"", header(read(1), "If-None-Match"));
    read(1).answer(304, "", "ETag", "\"p1\"");
    assertFalse(a.ended(), "304 means still pending");
    assertEquals(2, events.answered.get(), "a 304 is an answered poll");
    assertEquals(0, events.pollFailures.get());
    time.advance(Duration.ofSeconds(5));
    assertEquals("\"p1\"", header(read(2), "If-None-Match"), "the validator stays after a 304");
    read(2).answer(200, DONE, "ETag", "\"c1\"");
    JobResult r = a.result.join();
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(3, r.polls());
  }

  @Test
  void a304ThatCarriesANewETagReplacesTheOld() {
    watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    read(0).answer(200, PENDING, "ETag", "W/\"p1\"");
    time.advance(Duration.ofSeconds(5));
    read(1).answer(304, "", "ETag", "W/\"p2\"");
    time.advance(Duration.ofSeconds(5));
    assertEquals("W/\"p2\"", header(read(2), "If-None-Match"));
  }

  @Test
  void a304ToAReadWithoutIfNoneMatchIsAProtocolErrorNotAHang() {
    Watch a = watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    read(0).answer(304, "");
    assertTrue(a.ended(), "the watch ended at once");
    assertInstanceOf(ProtocolException.class, events.failed.get(0));
    assertTrue(events.failed.get(0).getMessage().contains("304"), events.failed.get(0).getMessage());
  }

  @Test
  void anAnswerWithoutETagLeavesTheNextReadUnconditional() {
    watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    read(0).answer(200, PENDING);
    time.advance(Duration.ofSeconds(5));
    assertEquals(null, header(read(1), "If-None-Match"));
    read(1).answer(200, PENDING, "ETag", "bad\r\nX-Injected: 1");
    time.advance(Duration.ofSeconds(5));
    assertEquals(null, header(read(2), "If-None-Match"), "an ETag no header can carry is not sent");
  }

  @Test
  void withLongPollsOffNoPreferIsSentAndTheTimeoutIsTheRequestTimeout() {
    watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    assertEquals(null, header(read(0), "Prefer"));
    assertEquals(REQUEST_TIMEOUT, read(0).call.timeout());
  }

  @Test
  void aHeldReadAsksForTheCapAndMayTakeItPlusTheRequestTimeout() {
    watch(watcher(Duration.ofSeconds(50)), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    assertEquals("wait=1", header(read(0), "Prefer"), "until this server is seen holding a read");
    assertEquals(Duration.ofSeconds(11), read(0).call.timeout());
    assertFalse(read(0).call.held(), "sent like any poll, holding a permit");
    time.advance(Duration.ofSeconds(1));
    read(0).answer(200, PENDING, "Preference-Applied", "wait=1");
    time.advance(Duration.ZERO);
    assertEquals("wait=50", header(read(1), "Prefer"));
    assertEquals(Duration.ofSeconds(60), read(1).call.timeout());
    assertTrue(read(1).call.held(), "a held call: no transport thread while it waits");
  }

  @Test
  void heldReadsTakeNoPermitAndTheReadsWaitingForOneMoveOnceTheServerHolds() {
    Watcher w = new Watcher(time, new StatusApi(URI.create("http://server"), net, WALL), EVERY_5S,
        new SafeListener(events), Registration.NONE, WALL, REQUEST_TIMEOUT, 1, Duration.ofSeconds(50));
    for (String job : List.of("a", "b", "c")) {
      w.start(job, URI.create("http://server/status?job=" + job), Duration.ofMinutes(10),
          Watcher.FirstPoll.NOW);
    }
    time.advance(Duration.ZERO);
    assertEquals(1, net.to("job=").size(), "one permit: one read out, two waiting");
    assertEquals(2, w.gate().waiting());
    read(0).answer(200, PENDING, "Preference-Applied", "wait=1");
    time.advance(Duration.ZERO);
    assertEquals(0, w.gate().waiting(), "moved to held slots");
    assertEquals(2, w.gate().heldInUse(), "the two that waited, beside the permit");
    time.advance(Duration.ofNanos(Watcher.MIN_INTERVAL_NANOS));
    assertEquals(3, w.gate().heldInUse(), "and a's next read");
    assertEquals(0, w.gate().inUse(), "the permit is free");
    for (String job : List.of("a", "b", "c")) {
      List<FakeTransport.Sent> s = net.to("job=" + job);
      assertEquals("wait=50", header(s.get(s.size() - 1), "Prefer"), job);
    }
  }

  @Test
  void aReadThatCannotBeHeldAtTheHeadOfTheQueueKeepsNoHeldReadWaiting() {
    Watcher w = new Watcher(time, new StatusApi(URI.create("http://server"), net, WALL), EVERY_5S,
        new SafeListener(events), Registration.NONE, WALL, REQUEST_TIMEOUT, 1, Duration.ofSeconds(50));
    w.start("a", URI.create("http://server/status?job=a"), Duration.ofMinutes(10), Watcher.FirstPoll.NOW);
    // 8 s left, less than the request timeout: these two are never held, and wait for the permit.
    w.start("x", URI.create("http://server/status?job=x"), Duration.ofSeconds(8), Watcher.FirstPoll.NOW);
    w.start("y", URI.create("http://server/status?job=y"), Duration.ofSeconds(8), Watcher.FirstPoll.NOW);
    w.start("c", URI.create("http://server/status?job=c"), Duration.ofMinutes(10), Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    assertEquals(3, w.gate().waiting());
    read(0).answer(200, PENDING, "Preference-Applied", "wait=1");
    time.advance(Duration.ZERO);
    assertEquals(1, net.to("job=x").size(), "x took the permit a gave back");
    assertEquals(null, header(net.to("job=x").get(0), "Prefer"));
    assertEquals(0, net.to("job=y").size(), "y waits for the permit");
    assertEquals(1, w.gate().waiting());
    assertEquals(1, net.to("job=c").size(), "c did not wait behind y");
    assertEquals("wait=50", header(net.to("job=c").get(0), "Prefer"));
    assertTrue(net.to("job=c").get(0).call.held());
  }

  @Test
  void theWaitAskedForEndsWithTheRequestTimeoutByTheDeadline() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofSeconds(25));
    time.advance(Duration.ZERO);
    assertEquals("wait=15", header(read(0), "Prefer"), "25 s left, less the 10 s request timeout");
    assertTrue(read(0).call.timeout().compareTo(Duration.ofSeconds(25)) <= 0);
    time.advance(Duration.ofSeconds(25));
    assertTrue(a.ended(), "the deadline holds while a read is held");
    assertTrue(a.result.isCompletedExceptionally());
  }

  @Test
  void withLessThanTheRequestTimeoutLeftTheReadIsNotHeld() {
    watch(watcher(Duration.ofSeconds(50)), Duration.ofSeconds(8));
    time.advance(Duration.ZERO);
    assertEquals(null, header(read(0), "Prefer"));
  }

  @Test
  void aHeldAnswerStillPendingIsReadAgainAtOnce() {
    watch(watcher(Duration.ofSeconds(50)), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    time.advance(Duration.ofSeconds(50));
    read(0).answer(200, PENDING, "Preference-Applied", "wait=50", "ETag", "\"p1\"");
    time.advance(Duration.ZERO);
    assertEquals(2, net.to("job=a").size(), "read again without waiting for the schedule");
    assertEquals("\"p1\"", header(read(1), "If-None-Match"));
    read(1).answer(304, "", "Preference-Applied", "wait=50");
    time.advance(Duration.ZERO);
    assertEquals(2, net.to("job=a").size(), "an answer at once still keeps the minimum interval");
    time.advance(Duration.ofNanos(Watcher.MIN_INTERVAL_NANOS));
    assertEquals(3, net.to("job=a").size(), "a held 304 is read again as soon as allowed");
  }

  @Test
  void onceTheServerHeldAReadANewWatchReadsAtOnce() {
    Watcher w = watcher(Duration.ofSeconds(50));
    w.start("b", URI.create("http://server/status?job=b"), Duration.ofMinutes(10),
        Watcher.FirstPoll.SCHEDULED);
    time.advance(Duration.ofMillis(4_999));
    assertEquals(0, net.to("job=b").size(), "before anything was held, the schedule decides");
    time.advance(Duration.ofMillis(1));
    net.to("job=b").get(0).answer(200, PENDING.replace("\"a\"", "\"b\""),
        "Preference-Applied", "wait=50");
    w.start("c", URI.create("http://server/status?job=c"), Duration.ofMinutes(10),
        Watcher.FirstPoll.SCHEDULED);
    time.advance(Duration.ZERO);
    assertEquals(1, net.to("job=c").size(), "a held read costs one request however early");
  }

  @Test
  void aServerThatIgnoresPreferCostsNoExtraRequest() {
    watch(watcher(Duration.ofSeconds(50)), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    read(0).answer(200, PENDING);
    time.advance(Duration.ofMillis(4_999));
    assertEquals(1, net.to("job=a").size(), "the schedule governs: nothing before 5 s");
    time.advance(Duration.ofMillis(1));
    assertEquals(2, net.to("job=a").size());
  }

  @Test
  void aCutHeldReadIsNoFailureAndLaterReadsAreHeldShorter() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    // A path that cuts at 2 s, and the JDK's one silent resend cut again: seen after 4 s.
    time.advance(Duration.ofSeconds(4));
    read(0).reply.completeExceptionally(new IOException("connection closed"));
    time.advance(Duration.ZERO);
    assertFalse(a.ended());
    assertEquals(0, events.pollFailures.get(), "not an error for the user");
    assertEquals(1, events.cuts.size());
    assertEquals(Duration.ofSeconds(4), events.cuts.get(0)[0]);
    assertEquals(Duration.ofSeconds(1), events.cuts.get(0)[1]);
    assertEquals("wait=1", header(read(1), "Prefer"), "read again at once, held below 2 s");
    time.advance(Duration.ofSeconds(1));
    read(1).answer(200, DONE);
    assertEquals(JobStatus.COMPLETED, a.result.join().status());
  }

  @Test
  void a504AfterAHoldIsACutAndIsReportedOnce() {
    Watcher w = holding(watcher(Duration.ofSeconds(50)));
    watch(w, Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    time.advance(Duration.ofSeconds(16));
    read(0).answer(504, "gateway timeout");
    time.advance(Duration.ZERO);
    assertEquals("wait=6", header(read(1), "Prefer"));
    time.advance(Duration.ofSeconds(5));
    read(1).answer(502, "bad gateway");
    time.advance(Duration.ZERO);
    assertEquals("wait=1", header(read(2), "Prefer"), "held shorter again");
    assertEquals(1, events.cuts.size(), "reported once");
    assertEquals(0, events.pollFailures.get());
  }

  @Test
  void aFailureAtOnceOrA503IsAnOrdinaryFailure() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    read(0).reply.completeExceptionally(new IOException("connection refused"));
    time.advance(Duration.ZERO);
    assertEquals(1, events.pollFailures.get(), "refused at once: no cut");
    time.advance(Duration.ofSeconds(31));
    assertEquals("wait=50", header(read(1), "Prefer"), "the hold is not shortened");
    time.advance(Duration.ofSeconds(3));
    read(1).answer(503, "busy");
    assertEquals(2, events.pollFailures.get(), "a 503 is the server's answer, not a cut");
    assertTrue(events.cuts.isEmpty());
  }

  @Test
  void aPathThatCutsBelowASecondEndsHolding() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ZERO);
    time.advance(Duration.ofMillis(2_500));
    read(0).reply.completeExceptionally(new IOException("connection reset"));
    time.advance(Duration.ZERO);
    assertEquals(Duration.ZERO, events.cuts.get(0)[1]);
    assertEquals(null, header(read(1), "Prefer"), "no longer held");
  }
}
