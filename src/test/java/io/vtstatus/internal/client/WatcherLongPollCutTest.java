package io.vtstatus.internal.client;

import static io.vtstatus.internal.client.ConditionalAndLongPollTest.PENDING;
import static io.vtstatus.internal.client.ConditionalAndLongPollTest.REQUEST_TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The long-poll cut on fake time and a fake transport, at its boundaries: which failures of a
 * held read count as a path cutting it (and after how long), how much shorter reads are held
 * from then on, what the user hears of it (once), and the wait each read asks for as the
 * deadline nears. Everything is observed as a user or a server would: the {@code Prefer: wait=N}
 * each read sends, its timeout, the listener's calls and the warning logged.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatcherLongPollCutTest {
  private static final String DONE = "{\"job\":\"a\",\"result\":\"completed\",\"status\":\"completed\"}";

  private final FakeScheduler time = new FakeScheduler();
  private final FakeTransport net = new FakeTransport();
  /** The same recording listener as the long-poll wire tests. */
  private final ConditionalAndLongPollTest.Events events = new ConditionalAndLongPollTest.Events();
  /** Held here: the logging framework keeps its loggers only weakly. */
  private final Logger log = Logger.getLogger("io.vtstatus");
  /** The parameters of each warning about a cut: host, ms held, how it ended, what now. */
  private final List<List<Object>> warnings = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getMessage() != null
          && r.getMessage().contains("held status read")) {
        warnings.add(Arrays.asList(r.getParameters()));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private boolean toParents;

  /** Captures the warnings, and keeps them off the console for the while. */
  @BeforeEach
  void listen() {
    toParents = log.getUseParentHandlers();
    log.setUseParentHandlers(false);
    log.addHandler(capture);
  }

  @AfterEach
  void stopListening() {
    log.removeHandler(capture);
    log.setUseParentHandlers(toParents);
  }

  private Watcher watcher(Duration longPoll) {
    return ConditionalAndLongPollTest.watcher(time, net, events, longPoll);
  }

  /** {@code w} after it saw the server hold a read (of job "h", whose next read stays open). */
  private Watcher holding(Watcher w) {
    w.start("h", URI.create("http://server/status?job=h"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    return ConditionalAndLongPollTest.heldOnce(time, net, w);
  }

  private Watch watch(Watcher w, Duration timeout) {
    Watch a = w.start("a", URI.create("http://server/status?job=a"), timeout, Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    return a;
  }

  private List<FakeTransport.Sent> reads() {
    return net.to("job=a");
  }

  private FakeTransport.Sent read(int i) {
    List<FakeTransport.Sent> s = reads();
    assertTrue(s.size() > i, "read " + (i + 1) + " was not sent (" + s.size() + " sent)");
    return s.get(i);
  }

  private String prefer(int i) {
    return read(i).call.headers().get("Prefer");
  }

  /** Read {@code i} of job "a" fails with {@code e} after {@code heldFor}. */
  private void cutAfter(int i, Duration heldFor, Throwable e) {
    time.advance(heldFor);
    read(i).reply.completeExceptionally(e);
    time.advance(Duration.ZERO);
  }

  // ---------------------------------------------------------------- how long is a cut

  @Test
  void aReadEndedJustUnderASecondIsAnOrdinaryFailure() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    assertEquals("wait=50", prefer(0));
    cutAfter(0, Duration.ofNanos(TimeUnit.SECONDS.toNanos(1) - 1), new IOException("reset"));
    assertFalse(a.ended());
    assertEquals(1, events.pollFailures.get(), "a failure the user hears of, retried later");
    assertTrue(events.cuts.isEmpty());
    assertTrue(warnings.isEmpty(), warnings.toString());
    time.advance(Duration.ofSeconds(1));
    assertEquals("wait=50", prefer(1), "the hold is not shortened");
  }

  @Test
  void aReadEndedAfterExactlyASecondIsACutAndReadsAreNoLongerHeld() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    cutAfter(0, Duration.ofSeconds(1), new IOException("reset"));
    assertFalse(a.ended());
    assertEquals(0, events.pollFailures.get(), "no failure for the user");
    assertEquals(1, events.cuts.size());
    assertEquals(Duration.ofSeconds(1), events.cuts.get(0)[0]);
    assertEquals(Duration.ZERO, events.cuts.get(0)[1], "3/8 of a second: under a whole second");
    assertEquals(2, reads().size(), "read again at once");
    assertEquals(null, prefer(1), "no longer held");
    assertFalse(read(1).call.held());
  }

  /** The shorter hold is 3/8 of the time held, in whole seconds rounded down. */
  @ParameterizedTest(name = "held {0} ms: next wait {1} s")
  @CsvSource({"2666, 0", "2667, 1", "8000, 3", "10666, 3", "10667, 4", "16000, 6", "106666, 39",
      "106667, 40"})
  void theHoldAfterACutIsThreeEighthsOfTheTimeHeld(long heldMillis, long nextWait) {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    cutAfter(0, Duration.ofMillis(heldMillis), new IOException("connection closed"));
    assertEquals(1, events.cuts.size());
    assertEquals(Duration.ofMillis(heldMillis), events.cuts.get(0)[0]);
    assertEquals(Duration.ofSeconds(nextWait), events.cuts.get(0)[1]);
    assertEquals(nextWait == 0 ? null : "wait=" + nextWait, prefer(1), "read again at once");
    assertEquals(nextWait > 0, read(1).call.held());
    assertEquals(REQUEST_TIMEOUT.plusSeconds(nextWait), read(1).call.timeout());
    time.advance(Duration.ofMillis(500));
    read(1).answer(200, DONE);
    assertEquals(JobStatus.COMPLETED, a.result.join().status());
    assertEquals(2, a.result.join().polls(), "the cut read counts as a poll");
  }

  @Test
  void aCutNoShorterThanTheHoldChangesNothingAndIsNotReported() {
    // The JDK's silent resend: a read held for up to 6 s seen failing after 16 s.
    Watch a = watch(holding(watcher(Duration.ofSeconds(6))), Duration.ofMinutes(10));
    assertEquals("wait=6", prefer(0));
    cutAfter(0, Duration.ofSeconds(16), new IOException("connection closed"));
    assertEquals(0, events.pollFailures.get(), "still no failure for the user");
    assertTrue(events.cuts.isEmpty(), "6 s is no shorter than the hold: nothing to report");
    assertTrue(warnings.isEmpty(), warnings.toString());
    assertEquals("wait=6", prefer(1), "read again at once, held as long as before");
    // A later cut that does shorten the hold is the first one reported.
    cutAfter(1, Duration.ofSeconds(8), new IOException("connection closed"));
    assertEquals(1, events.cuts.size());
    assertEquals(Duration.ofSeconds(3), events.cuts.get(0)[1]);
    assertEquals("wait=3", prefer(2));
    assertFalse(a.ended());
  }

  @Test
  void theCutIsReportedOnceAndLoggedOnceWithWhatWasSeen() {
    Watcher w = holding(watcher(Duration.ofSeconds(50)));
    watch(w, Duration.ofMinutes(10));
    cutAfter(0, Duration.ofMillis(16_500), new IOException("connection closed"));
    assertEquals(List.of(List.of("server", 16_500L, "its connection closed",
        "reads are held for at most 6 s")), warnings);
    assertEquals("wait=6", prefer(1));
    cutAfter(1, Duration.ofSeconds(8), new IOException("connection closed"));
    assertEquals("wait=3", prefer(2), "shortened again");
    assertEquals(1, events.cuts.size(), "reported once");
    assertEquals(1, warnings.size(), "logged once");
    assertEquals(Duration.ofMillis(16_500), events.cuts.get(0)[0]);
    assertEquals(Duration.ofSeconds(6), events.cuts.get(0)[1]);
    // Another watch of the same client starts with the shorter hold.
    w.start("b", URI.create("http://server/status?job=b"), Duration.ofMinutes(10),
        Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    assertEquals("wait=3", net.to("job=b").get(0).call.headers().get("Prefer"));
  }

  @Test
  void aGatewayCutIsLoggedWithItsStatusAndAHoldOfNothingAsNotHeld() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(2));
    read(0).answer(502, "bad gateway");
    time.advance(Duration.ZERO);
    assertEquals(List.of(List.of("server", 2_000L, "answered 502", "reads are not held")),
        warnings);
    assertEquals(0, events.pollFailures.get());
    assertEquals(Duration.ZERO, events.cuts.get(0)[1]);
    assertEquals(null, prefer(1));
  }

  @Test
  void a504AloneIsACut() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(30));
    read(0).answer(504, "gateway timeout");
    time.advance(Duration.ZERO);
    assertEquals(0, events.pollFailures.get());
    assertEquals(1, events.cuts.size());
    assertEquals(Duration.ofSeconds(11), events.cuts.get(0)[1]);
    assertEquals("wait=11", prefer(1));
    assertEquals(List.of(List.of("server", 30_000L, "answered 504",
        "reads are held for at most 11 s")), warnings);
  }

  // ---------------------------------------------------------------- what is not a cut

  @Test
  void otherServerErrorsAfterAHoldAreOrdinaryFailures() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(5));
    read(0).answer(500, "oops");
    time.advance(Duration.ZERO);
    assertEquals(1, events.pollFailures.get(), "a 500 is the server's answer, not a cut");
    time.advance(Duration.ofSeconds(31));
    assertEquals("wait=50", prefer(1));
    time.advance(Duration.ofSeconds(5));
    read(1).answer(429, "slow down");
    time.advance(Duration.ZERO);
    assertEquals(2, events.pollFailures.get(), "nor a 429");
    assertTrue(events.cuts.isEmpty());
  }

  @Test
  void aTimeoutOfOurOwnAfterAHoldIsAnOrdinaryFailure() {
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    cutAfter(0, Duration.ofSeconds(60), new HttpTimeoutException("request timed out"));
    assertEquals(1, events.pollFailures.get());
    assertTrue(events.cuts.isEmpty());
    time.advance(Duration.ofSeconds(31));
    assertEquals("wait=50", prefer(1), "the hold is not shortened");
  }

  @Test
  void aNotFoundAfterAHoldEndsTheWatch() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(5));
    read(0).answer(404, "no such job");
    time.advance(Duration.ZERO);
    assertTrue(a.ended());
    assertInstanceOf(JobNotFoundException.class, events.failed.get(0));
    assertTrue(events.cuts.isEmpty());
    assertEquals(1, reads().size(), "not read again");
  }

  @Test
  void aProtocolErrorAfterAHoldEndsTheWatch() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(5));
    read(0).answer(400, "bad request");
    time.advance(Duration.ZERO);
    assertTrue(a.ended());
    assertInstanceOf(ProtocolException.class, events.failed.get(0));
    assertTrue(events.cuts.isEmpty());
    assertEquals(1, reads().size());
  }

  @Test
  void aFailedReadThatAskedForNoWaitIsNeverACut() {
    // Long polls off: the read asks for no wait, so its failure after 2 s is only a failure.
    Watch a = watch(watcher(Duration.ZERO), Duration.ofMinutes(10));
    assertEquals(null, prefer(0));
    cutAfter(0, Duration.ofSeconds(2), new IOException("connection closed"));
    assertFalse(a.ended());
    assertEquals(1, events.pollFailures.get());
    assertTrue(events.cuts.isEmpty());
  }

  @Test
  void aFailedReadTooCloseToTheDeadlineToBeHeldIsNeverACut() {
    // 8 s left, less than the request timeout: the read asks for no wait.
    watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofSeconds(8));
    assertEquals(null, prefer(0));
    cutAfter(0, Duration.ofSeconds(2), new IOException("connection closed"));
    assertEquals(1, events.pollFailures.get());
    assertTrue(events.cuts.isEmpty());
  }

  @Test
  void onceReadsAreNoLongerHeldANewWatchWaitsForItsSchedule() {
    Watcher w = holding(watcher(Duration.ofSeconds(50)));
    w.start("b", URI.create("http://server/status?job=b"), Duration.ofMinutes(10),
        Watcher.FirstPoll.SCHEDULED);
    time.advance(Duration.ZERO);
    List<FakeTransport.Sent> b = net.to("job=b");
    assertEquals(1, b.size(), "held reads go out at once");
    time.advance(Duration.ofSeconds(2));
    b.get(0).reply.completeExceptionally(new IOException("connection closed"));
    time.advance(Duration.ZERO);
    assertEquals(Duration.ZERO, events.cuts.get(0)[1]);
    w.start("c", URI.create("http://server/status?job=c"), Duration.ofMinutes(10),
        Watcher.FirstPoll.SCHEDULED);
    time.advance(Duration.ofMillis(4_999));
    assertEquals(0, net.to("job=c").size(), "not held any more: the schedule decides");
    time.advance(Duration.ofMillis(1));
    assertEquals(1, net.to("job=c").size());
    assertEquals(null, net.to("job=c").get(0).call.headers().get("Prefer"));
  }

  // ---------------------------------------------------------------- the wait asked for

  @Test
  void untilTheServerHoldsAReadTheWaitIsOneSecondIfTheDeadlineAllows() {
    Watcher w = watcher(Duration.ofSeconds(50));
    w.start("a", URI.create("http://server/status?job=a"), Duration.ofMillis(10_999),
        Watcher.FirstPoll.NOW);
    w.start("b", URI.create("http://server/status?job=b"), Duration.ofSeconds(11),
        Watcher.FirstPoll.NOW);
    time.advance(Duration.ZERO);
    assertEquals(null, prefer(0), "0.999 s left after the request timeout: no wait");
    assertEquals(REQUEST_TIMEOUT, read(0).call.timeout());
    FakeTransport.Sent b = net.to("job=b").get(0);
    assertEquals("wait=1", b.call.headers().get("Prefer"), "exactly 1 s left: a 1 s wait");
    assertEquals(Duration.ofSeconds(11), b.call.timeout());
    assertFalse(b.call.held());
  }

  @Test
  void theWaitIsTheTimeLeftLessTheRequestTimeoutInWholeSeconds() {
    Watcher w = holding(watcher(Duration.ofSeconds(50)));
    List<Duration> timeouts = List.of(Duration.ofSeconds(5), Duration.ofMillis(10_999),
        Duration.ofSeconds(11), Duration.ofMillis(25_900), Duration.ofSeconds(60),
        Duration.ofSeconds(61));
    List<String> want = List.of("none", "none", "wait=1", "wait=15", "wait=50", "wait=50");
    // The read may take its wait plus the request timeout, but never beyond the deadline.
    List<Duration> wantTimeout = List.of(Duration.ofSeconds(5), REQUEST_TIMEOUT,
        Duration.ofSeconds(11), Duration.ofSeconds(25), Duration.ofSeconds(60),
        Duration.ofSeconds(60));
    for (int i = 0; i < timeouts.size(); i++) {
      w.start("j" + i, URI.create("http://server/status?job=j" + i), timeouts.get(i),
          Watcher.FirstPoll.NOW);
    }
    time.advance(Duration.ZERO);
    List<String> got = new ArrayList<>();
    List<Duration> gotTimeout = new ArrayList<>();
    for (int i = 0; i < timeouts.size(); i++) {
      FakeTransport.Sent s = net.to("job=j" + i).get(0);
      String p = s.call.headers().get("Prefer");
      got.add(p == null ? "none" : p);
      gotTimeout.add(s.call.timeout());
    }
    assertEquals(want, got);
    assertEquals(wantTimeout, gotTimeout);
  }

  @Test
  void theWaitShrinksAsTheDeadlineNears() {
    Watch a = watch(holding(watcher(Duration.ofSeconds(50))), Duration.ofSeconds(60));
    assertEquals("wait=50", prefer(0));
    time.advance(Duration.ofMillis(30_500));
    read(0).answer(200, PENDING, "Preference-Applied", "wait=50");
    time.advance(Duration.ZERO);
    assertEquals("wait=19", prefer(1), "29.5 s left, less the request timeout");
    assertEquals(Duration.ofSeconds(29), read(1).call.timeout(), "19 s plus the request timeout");
    time.advance(Duration.ofSeconds(19));
    read(1).answer(200, PENDING, "Preference-Applied", "wait=19");
    time.advance(Duration.ZERO);
    assertEquals(null, prefer(2), "10.5 s left: 0.5 s beyond the request timeout, no wait");
    assertFalse(read(2).call.held(), "a read the server will not hold takes a permit");
    assertFalse(a.ended());
  }
}
