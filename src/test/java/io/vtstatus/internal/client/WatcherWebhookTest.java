package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.internal.json.JsonPointer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the watch machinery does with a webhook of a declared protocol, on fake time and a fake
 * transport: the one status read that fills a terminal event's output, states that end nothing,
 * and deliveries for jobs nobody here watches.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WatcherWebhookTest {
  private static final Clock WALL = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final Duration LONG = Duration.ofMinutes(10);
  private final FakeScheduler time = new FakeScheduler();
  private final FakeTransport net = new FakeTransport();
  private final List<String> unwatched = new ArrayList<>();
  private final Delivery raw = new Delivery(Map.of("webhook-id", List.of("msg_1")),
      "{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8));

  /** Status at {@code /s}, output at {@code /out}, error at {@code /err}: like OpenAI's batches. */
  private static ProtocolSpec declared() {
    Map<String, JobStatus> words = new LinkedHashMap<>();
    words.put("run", JobStatus.PENDING);
    words.put("done", JobStatus.COMPLETED);
    words.put("bad", JobStatus.ERROR);
    return new ProtocolSpec("t", UrlTemplate.compile("/j/{id}"), JsonPointer.compile("/s"), words,
        Optional.of(JsonPointer.compile("/out")), Optional.of(JsonPointer.compile("/err")),
        Optional.empty(), ChronoUnit.SECONDS, Optional.empty(), false);
  }

  /** A schedule that polls when the server's estimate says, else in an hour. */
  private static final PollSchedule ETA_OR_AN_HOUR =
      ctx -> ctx.eta().orElse(Duration.ofHours(1));

  private final WatcherTest.FakeRegistration registration = new WatcherTest.FakeRegistration();

  private Watcher watcher(ProtocolSpec protocol) {
    JobListener listener = new JobListener() {
      @Override
      public void webhookForUnwatchedJob(String jobId, Map<String, List<String>> headers, byte[] body) {
        unwatched.add(jobId + " " + headers.get("webhook-id") + " " + new String(body, StandardCharsets.UTF_8));
      }
    };
    StatusApi api = new StatusApi(URI.create("http://server"), net, WALL, protocol, Credentials.NONE,
        StatusAnswer.MAX_BODY, (job, word) -> { });
    return new Watcher(time, api, ETA_OR_AN_HOUR, new SafeListener(listener),
        registration, WALL, Duration.ofSeconds(10), 8);
  }

  private static Watch watch(Watcher w, String job, Duration timeout) {
    return w.start(job, URI.create("http://server/j/" + job), timeout, Watcher.FirstPoll.SCHEDULED);
  }

  private static StatusAnswer event(JobStatus s, Optional<String> output) {
    return new StatusAnswer(Optional.of("a"), s, Optional.empty(), Optional.empty(), OptionalInt.empty(),
        output, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static StatusAnswer progress(Duration eta) {
    return new StatusAnswer(Optional.of("a"), JobStatus.PENDING, Optional.empty(), Optional.of(eta),
        OptionalInt.of(40), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  private List<FakeTransport.Sent> reads() {
    return net.to("/j/a");
  }

  @Test
  void aVerifiedEventWithoutOutputIsFilledByOneStatusReadAndKeepsItsSignal() {
    Watcher w = watcher(declared());
    Watch a = watch(w, "a", LONG);
    w.accept("a", event(JobStatus.COMPLETED, Optional.empty()), true, raw);
    assertEquals(1, reads().size(), "one read to fill the output");
    assertFalse(a.result.isDone(), "the watch waits for the read");
    reads().get(0).answer(200, "{\"s\":\"done\",\"out\":\"video.mp4\"}");
    JobResult r = a.result.join();
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(Optional.of("video.mp4"), r.output());
    assertEquals(1, r.polls(), "the read counts as a poll");
    assertEquals(0, w.active());
  }

  @Test
  void aReadThatFindsTheJobOtherwiseOrFailsEndsTheWatchWithTheEventAsItIs() {
    Watcher w = watcher(declared());
    Watch a = watch(w, "a", LONG);
    w.accept("a", event(JobStatus.COMPLETED, Optional.empty()), true, raw);
    reads().get(0).answer(200, "{\"s\":\"bad\",\"err\":\"other\"}");
    JobResult r = a.result.join();
    assertEquals(JobStatus.COMPLETED, r.status(), "the verified event decides the outcome");
    assertEquals(Optional.empty(), r.output());
    assertEquals(Optional.empty(), r.error(), "an answer about another outcome fills nothing");

    net.sent.clear();
    Watcher w2 = watcher(declared());
    Watch b = watch(w2, "a", LONG);
    w2.accept("a", event(JobStatus.ERROR, Optional.empty()), true, raw);
    reads().get(0).answer(503, "{}");
    assertEquals(JobStatus.ERROR, b.result.join().status());
    assertEquals(DetectedBy.WEBHOOK, b.result.join().detectedBy());
  }

  @Test
  void anEventThatCarriesItsOutputOrAProtocolWithoutOutputsNeedsNoRead() {
    Watcher w = watcher(declared());
    Watch a = watch(w, "a", LONG);
    w.accept("a", event(JobStatus.COMPLETED, Optional.of("in the body")), true, raw);
    assertEquals(Optional.of("in the body"), a.result.join().output());
    assertEquals(0, a.result.join().polls());
    assertTrue(reads().isEmpty());

    Watcher builtin = watcher(ProtocolSpec.VTSTATUS);
    Watch b = builtin.start("a", URI.create("http://server/status?job=a"), LONG, Watcher.FirstPoll.SCHEDULED);
    builtin.accept("a", event(JobStatus.COMPLETED, Optional.empty()), true, raw);
    assertTrue(b.result.isDone(), "the built-in protocol has no output to fill");
    assertTrue(net.sent.isEmpty());
  }

  @Test
  void withLessThanARequestsWorthOfTimeLeftTheWatchEndsWithoutARead() {
    Watcher w = watcher(declared());
    Watch a = watch(w, "a", Duration.ofMillis(100));
    time.advance(Duration.ofMillis(100).minusNanos(Watcher.MIN_REQUEST_NANOS / 2));
    assertFalse(a.result.isDone());
    int before = reads().size();
    w.accept("a", event(JobStatus.COMPLETED, Optional.empty()), true, raw);
    assertEquals(JobStatus.COMPLETED, a.result.join().status());
    assertEquals(before, reads().size(), "no read that would end after the deadline");
  }

  /** Three jobs found ended by polls, with no webhook between: webhooks look lost. */
  private void pollsWinThreeTimes(Watcher w) {
    for (String job : List.of("p1", "p2", "p3")) {
      Watch p = watch(w, job, Duration.ofHours(2));
      time.advance(Duration.ofHours(1));
      net.to("/j/" + job).get(0).answer(200, "{\"s\":\"done\"}");
      assertEquals(DetectedBy.POLL, p.result.join().detectedBy());
    }
  }

  @Test
  void aVerifiedStateThatEndsNothingBringsItsEstimateToTheScheduleAtOnce() {
    Watcher w = watcher(declared());
    registration.registered = true;
    pollsWinThreeTimes(w);
    assertFalse(w.webhooksArriving(), "three jobs in a row found by polls");
    Watch a = watch(w, "a", Duration.ofHours(2));
    w.accept("a", progress(Duration.ofSeconds(30)), true, raw);
    assertTrue(w.webhooksArriving(), "a verified delivery shows webhooks arrive");
    assertFalse(a.result.isDone(), "a state that ends nothing ends nothing");
    time.advance(Duration.ofSeconds(29));
    assertTrue(reads().isEmpty());
    time.advance(Duration.ofSeconds(1));
    assertEquals(1, reads().size(), "polled when the event's estimate said, not in an hour");
  }

  @Test
  void anUnverifiedStateThatEndsNothingChangesNothing() {
    Watcher w = watcher(declared());
    registration.registered = true;
    pollsWinThreeTimes(w);
    Watch a = watch(w, "a", Duration.ofHours(2));
    w.accept("a", progress(Duration.ofSeconds(30)), false, raw);
    assertFalse(w.webhooksArriving(), "an unverified delivery proves nothing");
    time.advance(Duration.ofMinutes(59));
    assertTrue(reads().isEmpty(), "the schedule's hour stands");
    assertFalse(a.result.isDone());
  }

  @Test
  void aDeliveryForAJobNobodyWatchesIsHandedOnRawForAReplicaThatDoes() {
    Watcher w = watcher(declared());
    w.accept("a", event(JobStatus.COMPLETED, Optional.empty()), true, raw);
    assertEquals(List.of("a [msg_1] {\"id\":\"a\"}"), unwatched);
    assertTrue(net.sent.isEmpty());
    // Kept for a watch that starts later, as a verified early event (its output read then).
    Watch late = watch(w, "a", LONG);
    reads().get(0).answer(200, "{\"s\":\"done\",\"out\":\"x\"}");
    assertEquals(DetectedBy.WEBHOOK, late.result.join().detectedBy());
    assertEquals(Optional.of("x"), late.result.join().output());
  }
}
