package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The public value types, schedules and verifier, without sockets. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ApiTest {
  private static PollContext ctx(int attempt, Optional<Duration> retryAfter) {
    return new PollContext("j", attempt, attempt, Duration.ofSeconds(attempt), JobStatus.PENDING, retryAfter,
        Optional.empty(), OptionalInt.empty(), false);
  }

  @ParameterizedTest
  @CsvSource({"pending,PENDING", "QUEUED,PENDING", "running,PENDING", "processing,PENDING",
      "completed,COMPLETED", "success,COMPLETED", "succeeded,COMPLETED",
      "error,ERROR", "failed,ERROR", "failure,ERROR"})
  void vocabularyOfRealBackends(String word, JobStatus expected) {
    assertEquals(Optional.of(expected), JobStatus.fromWire(word));
  }

  @Test
  void unknownWordsAreNotGuessed() {
    assertEquals(Optional.empty(), JobStatus.fromWire("finished?"));
    assertEquals(Optional.empty(), JobStatus.fromWire(null));
    assertFalse(JobStatus.PENDING.isTerminal());
    assertTrue(JobStatus.ERROR.isTerminal());
  }

  @Test
  void resultNeedsATerminalStatus() {
    assertThrows(IllegalArgumentException.class, () -> new JobResult("j", JobStatus.PENDING,
        DetectedBy.POLL, 1, Duration.ZERO, Optional.empty()));
  }

  @Test
  void fixedIgnoresHints() {
    PollSchedule s = PollSchedule.fixed(Duration.ofMillis(300));
    assertEquals(Duration.ofMillis(300), s.nextDelay(ctx(0, Optional.of(Duration.ofSeconds(9)))));
  }

  @Test
  void exponentialStaysWithinItsCapAndHonoursHints() {
    PollSchedule s = PollSchedule.exponential(Duration.ofMillis(100), 2, Duration.ofSeconds(1));
    for (int attempt = 0; attempt < 20; attempt++) {
      Duration cap = Duration.ofMillis(Math.min(1000, 100L << Math.min(attempt, 10)));
      for (int i = 0; i < 50; i++) {
        Duration d = s.nextDelay(ctx(attempt, Optional.empty()));
        assertFalse(d.isNegative());
        assertTrue(d.compareTo(cap) <= 0, d + " > " + cap);
      }
    }
    assertEquals(Duration.ofSeconds(3), s.nextDelay(ctx(2, Optional.of(Duration.ofSeconds(3)))));
  }

  @Test
  void steppedIsTheOriginalLadder() {
    PollSchedule s = PollSchedule.stepped();
    long[] expected = {4, 4, 4, 4, 4, 4, 2, 2, 1, 1, 1, 1};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Duration.ofSeconds(expected[i]), s.nextDelay(ctx(i, Optional.empty())));
    }
  }

  @Test
  void adaptiveHonoursServerHints() {
    PollSchedule s = PollSchedule.adaptive();
    assertEquals(Duration.ofSeconds(2), s.nextDelay(ctx(3, Optional.of(Duration.ofSeconds(2)))));
  }

  @Test
  void factoriesAndBuildersRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> PollSchedule.fixed(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> PollSchedule.fixed(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> PollSchedule.fixed(null));
    assertThrows(IllegalArgumentException.class,
        () -> PollSchedule.exponential(Duration.ofSeconds(2), 0.5, Duration.ofSeconds(3)));
    assertThrows(IllegalArgumentException.class,
        () -> PollSchedule.exponential(Duration.ofSeconds(2), 2, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> StatusClient.builder(URI.create("ftp://x")));
    assertThrows(IllegalArgumentException.class, () -> StatusClient.builder(URI.create("http:/nohost")));
    // Paths are appended to the server URI: a query or fragment would land mid-URL.
    IllegalArgumentException q = assertThrows(IllegalArgumentException.class,
        () -> StatusClient.builder(URI.create("http://127.0.0.1:1/api?key=k")));
    assertTrue(q.getMessage().contains("no query or fragment"), q.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> StatusClient.builder(URI.create("http://127.0.0.1:1/api#top")));
    StatusClient.builder(URI.create("http://127.0.0.1:1/api/"));
    StatusClient.Builder b = StatusClient.builder(URI.create("http://127.0.0.1:1"));
    assertThrows(IllegalArgumentException.class, () -> b.timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.requestTimeout(Duration.ofMillis(-5)));
    assertThrows(IllegalArgumentException.class, () -> b.maxConcurrentRequests(0));
    assertThrows(IllegalArgumentException.class, () -> WebhookOptions.port(70000));
    assertThrows(IllegalStateException.class, () -> WebhookOptions.disabled().path("/x"));
    assertThrows(IllegalArgumentException.class, () -> WebhookOptions.port(0).secret("nope"));
    assertThrows(IllegalArgumentException.class,
        () -> WebhookOptions.port(0).publicUrl(URI.create("mailto:a@b")));
  }

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  @Test
  void verifierAcceptsItsOwnSignatureAndRotations() throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    WebhookVerifier v = WebhookVerifier.of(SECRET).clock(clock);
    String body = "{\"job\":\"a\",\"result\":\"completed\"}";
    String sig = WebhookSigner.of(SECRET).sign("msg_1", 1_700_000_000, body);
    v.verify("msg_1", "1700000000", sig, body);
    v.verify("msg_1", "1700000000", "v1,b2xkLXNpZw== " + sig, body);
  }

  @ParameterizedTest
  @CsvSource({
      "msg_1, 1700000000, tampered, BAD_SIGNATURE",
      "msg_2, 1700000000, ok, BAD_SIGNATURE",
      "msg_1, 1699999000, ok, STALE_TIMESTAMP",
      "msg_1, 1700001000, ok, STALE_TIMESTAMP",
      "msg_1, soon, ok, MALFORMED"})
  void verifierRejectsForgeries(String id, String ts, String bodyKind, String reason) {
    Clock clock = Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC);
    WebhookVerifier v = WebhookVerifier.of(SECRET).clock(clock);
    String body = "{\"job\":\"a\",\"result\":\"completed\"}";
    long signedTs = ts.equals("soon") ? 1_700_000_000 : Long.parseLong(ts);
    String sig = WebhookSigner.of(SECRET).sign("msg_1", signedTs, body);
    String sent = bodyKind.equals("tampered") ? body.replace("completed", "error") : body;
    WebhookVerificationException e = assertThrows(WebhookVerificationException.class,
        () -> v.verify(id, ts, sig, sent));
    assertEquals(WebhookVerificationException.Reason.valueOf(reason), e.reason());
  }

  @Test
  void wrongSecretAndMissingHeadersAreRejected() {
    WebhookVerifier v = WebhookVerifier.of(SECRET);
    WebhookSigner other = WebhookSigner.of("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY");
    long now = Instant.now().getEpochSecond();
    String sig = other.sign("m", now, "{}");
    assertEquals(WebhookVerificationException.Reason.BAD_SIGNATURE,
        assertThrows(WebhookVerificationException.class, () -> v.verify("m", "" + now, sig, "{}")).reason());
    assertEquals(WebhookVerificationException.Reason.MISSING_HEADERS,
        assertThrows(WebhookVerificationException.class, () -> v.verify("m", null, sig, "{}")).reason());
  }
}
