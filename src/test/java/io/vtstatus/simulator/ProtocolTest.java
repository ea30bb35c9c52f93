package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProtocolTest {
  private static final Pattern RFC3339_MICROS =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

  private SimulatorServer sim;

  @BeforeEach
  void start() throws Exception {
    sim = SimulatorServer.builder()
        .delay(JobDurations.fixed(Duration.ofMinutes(10)))
        .seed(42)
        .build()
        .start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static void assertError(HttpResponse<String> r, int code) {
    assertEquals(code, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    assertTrue(Http.json(r).get("error") instanceof String, r.body());
  }

  @Test
  void healthSaysOk() {
    HttpResponse<String> r = Http.get(sim.url("/health"));
    assertEquals(200, r.statusCode());
    assertEquals(Map.of("ok", "true"), Http.json(r));
  }

  @Test
  void statusOfSubmittedJobHasAllFields() {
    String id = sim.submit();
    HttpResponse<String> r = Http.get(sim.url("/status?job=" + id));
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    Map<String, Object> o = Http.json(r);
    assertEquals(id, o.get("job"));
    assertEquals("pending", o.get("result"));
    assertEquals("pending", o.get("status"));
    assertTrue(RFC3339_MICROS.matcher((String) o.get("updated_at")).matches(), r.body());
    assertFalse(o.containsKey("progress"), "no hints unless asked for");
    assertEquals(1, sim.statusRequests(id));
  }

  @Test
  void completedByHandShowsAtOnce() {
    String id = sim.submit();
    assertTrue(sim.complete(id, io.vtstatus.JobStatus.ERROR));
    assertFalse(sim.complete(id, io.vtstatus.JobStatus.COMPLETED), "terminal for good");
    Map<String, Object> o = Http.json(Http.get(sim.url("/status?job=" + id)));
    assertEquals("error", o.get("result"));
    assertEquals("error", o.get("status"));
  }

  @Test
  void postJobsCreatesJobWithLocation() {
    HttpResponse<String> r = Http.post(sim.url("/jobs"), "");
    assertEquals(201, r.statusCode(), r.body());
    String id = (String) Http.json(r).get("job");
    assertEquals("/status?job=" + id, r.headers().firstValue("Location").orElseThrow());
    assertEquals("pending", Http.json(r).get("result"));
    assertEquals(200, Http.get(sim.url("/status?job=" + id)).statusCode());
  }

  @Test
  void postJobsWithZeroDurationAndOutcomeEndsWithThatOutcome() {
    HttpResponse<String> r =
        Http.post(sim.url("/jobs"), "{\"duration_ms\":0,\"outcome\":\"error\"}");
    assertEquals(201, r.statusCode(), r.body());
    String id = (String) Http.json(r).get("job");
    // Due at once: /status finishes it lazily even if the timer has not run yet.
    assertEquals("error", Http.json(Http.get(sim.url("/status?job=" + id))).get("result"));
  }

  @Test
  void idempotencyKeyReturnsTheSameJob() {
    HttpResponse<String> a = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k-1");
    HttpResponse<String> b = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k-1");
    HttpResponse<String> c = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k-2");
    assertEquals(201, a.statusCode());
    assertEquals(201, b.statusCode());
    assertEquals(Http.json(a).get("job"), Http.json(b).get("job"));
    assertNotEquals(Http.json(a).get("job"), Http.json(c).get("job"));
  }

  @Test
  void unknownJobIs404() {
    assertError(Http.get(sim.url("/status?job=nope")), 404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad%20id", "a/b", "%C3%A9", ""})
  void invalidJobIdIs400(String id) {
    assertError(Http.get(sim.url("/status?job=" + id)), 400);
  }

  @Test
  void tooLongJobIdIs400() {
    assertError(Http.get(sim.url("/status?job=" + "a".repeat(129))), 400);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/status|POST|GET", "/status|DELETE|GET", "/jobs|GET|POST", "/register-webhook|GET|POST",
      "/health|POST|GET", "/webhooks/wh_1|GET|DELETE"})
  void wrongMethodIs405WithAllow(String path, String method, String allow) {
    HttpResponse<String> r = Http.send(method, sim.url(path), method.equals("POST") ? "" : null);
    assertError(r, 405);
    assertEquals(allow, r.headers().firstValue("Allow").orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/nope", "/status/", "/webhooks/", "/jobs/1"})
  void unknownPathIs404(String path) {
    assertError(Http.get(sim.url(path)), 404);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "[1]", "{\"duration_ms\":\"x\"}", "{\"duration_ms\":-1}",
      "{\"duration_ms\":1.5}", "{\"outcome\":\"pending\"}", "{\"a\":1,\"a\":2}", "nul"})
  void badJobBodyIs400AndCreatesNothing(String body) {
    sim.submit();
    int jobs = sim.jobCount();
    long before = sim.requestCount();
    assertError(Http.post(sim.url("/jobs"), body), 400);
    assertEquals(before + 1, sim.requestCount());
    // Fails if a refused body still creates (or starts) a job before it is rejected.
    assertEquals(jobs, sim.jobCount(), "a refused body created a job");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "{}", "{\"url\":5}", "{\"url\":\"ftp://x/y\"}",
      "{\"url\":\"localhost:9090\"}", "{\"url\":\"http://\"}", "{\"url\":\"http://a b\"}",
      "{\"url\":\"http://x/\",\"job\":\"bad id\"}",
      "{\"url\":\"http://x/\",\"secret\":\"nope\"}"})
  void badRegistrationIs400(String body) {
    assertError(Http.post(sim.url("/register-webhook"), body), 400);
  }

  @Test
  void bodyOver64KiBIs413() {
    assertError(Http.post(sim.url("/jobs"), "{\"x\":\"" + "a".repeat(70_000) + "\"}"), 413);
    assertError(Http.post(sim.url("/register-webhook"), " ".repeat(65 * 1024)), 413);
  }

  @Test
  void registrationReturnsIdAndSecretAndIsIdempotent() {
    String body = "{\"url\":\"http://127.0.0.1:9/hook\"}";
    HttpResponse<String> a = Http.post(sim.url("/register-webhook"), body);
    HttpResponse<String> b = Http.post(sim.url("/register-webhook"), body);
    assertEquals(200, a.statusCode(), a.body());
    assertEquals(200, b.statusCode(), b.body());
    Map<String, Object> o = Http.json(a);
    assertTrue(((String) o.get("webhook")).startsWith("wh_"));
    assertTrue(((String) o.get("secret")).startsWith("whsec_"));
    assertEquals(o, Http.json(b));
    HttpResponse<String> other =
        Http.post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/hook\",\"job\":\"j\"}");
    assertNotEquals(o.get("webhook"), Http.json(other).get("webhook"), "registrations coexist");
  }

  @Test
  void givenSecretIsKept() {
    String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    HttpResponse<String> r = Http.post(sim.url("/register-webhook"),
        "{\"url\":\"https://example.com/h\",\"job\":\"x\",\"secret\":\"" + secret + "\"}");
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(secret, Http.json(r).get("secret"));
  }

  @Test
  void deleteWebhook() {
    String id = (String) Http.json(
        Http.post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/h\"}")).get("webhook");
    HttpResponse<String> r = Http.delete(sim.url("/webhooks/" + id));
    assertEquals(204, r.statusCode());
    assertError(Http.delete(sim.url("/webhooks/" + id)), 404);
  }

  @Test
  void requestsAreRecorded() throws Exception {
    Http.post(sim.url("/jobs?x=1"), "{\"duration_ms\":5}", "X-Test", "yes");
    RecordedRequest r = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
    assertEquals("POST", r.method());
    assertEquals("/jobs", r.path());
    assertEquals("x=1", r.query());
    assertEquals("{\"duration_ms\":5}", r.body());
    assertEquals("yes", r.header("x-test"));
    assertTrue(sim.takeRequest(Duration.ZERO).isEmpty());
  }

  @Test
  void hintsOnPendingResponses() throws Exception {
    try (SimulatorServer h = SimulatorServer.builder().hints(true)
        .delay(JobDurations.fixed(Duration.ofSeconds(90))).build().start()) {
      String id = h.submit();
      HttpResponse<String> r = Http.get(h.url("/status?job=" + id));
      Map<String, Object> o = Http.json(r);
      int progress = ((Number) o.get("progress")).intValue();
      long eta = ((Number) o.get("eta_ms")).longValue();
      assertTrue(progress >= 0 && progress <= 100, r.body());
      assertTrue(eta > 80_000 && eta <= 90_000, r.body());
      long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertTrue(retryAfter >= 81 && retryAfter <= 90, "Retry-After " + retryAfter);
      h.complete(id, io.vtstatus.JobStatus.COMPLETED);
      HttpResponse<String> done = Http.get(h.url("/status?job=" + id));
      assertFalse(Http.json(done).containsKey("progress"), "no hints once terminal");
      assertTrue(done.headers().firstValue("Retry-After").isEmpty());
    }
  }

  @Test
  void failRateOneAnswers503WithRetryAfter() throws Exception {
    try (SimulatorServer f = SimulatorServer.builder().failRate(1.0).build().start()) {
      String id = f.submit();
      HttpResponse<String> r = Http.get(f.url("/status?job=" + id));
      assertError(r, 503);
      assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
      assertEquals(1, f.statusRequests(id));
      assertEquals(200, Http.get(f.url("/health")).statusCode(), "only /status fails");
    }
  }

  @Test
  void throttleRateOneAnswers429WithRetryAfter() throws Exception {
    try (SimulatorServer f = SimulatorServer.builder().throttleRate(1.0).build().start()) {
      HttpResponse<String> r = Http.get(f.url("/status"));
      assertError(r, 429);
      assertEquals("1", r.headers().firstValue("Retry-After").orElseThrow());
    }
  }

  @Test
  void latencyDelaysEveryAnswer() throws Exception {
    try (SimulatorServer l = SimulatorServer.builder()
        .latency(Duration.ofMillis(200), Duration.ofMillis(300)).build().start()) {
      // A lower bound only: latency can make an answer later, never earlier.
      long t0 = System.nanoTime();
      assertEquals(200, Http.get(l.url("/health")).statusCode());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 200, "answered in " + ms + " ms despite 200..300 ms of latency");
    }
  }

  @Test
  void latencyHoldsNoServerThread() throws Exception {
    // Far more delayed requests than the server has threads (4): if latency held a thread while
    // it waited, the requests beyond the fourth would not even reach the handler (and be
    // recorded) until the first ones were answered, a minute from now.
    int n = 12;
    SimulatorServer l = SimulatorServer.builder()
        .latency(Duration.ofMinutes(1), Duration.ofMinutes(1)).build().start();
    try {
      var answers = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
      for (int i = 0; i < n; i++) {
        answers.add(Http.CLIENT.sendAsync(
            java.net.http.HttpRequest.newBuilder(l.url("/health?n=" + i))
                .timeout(Duration.ofSeconds(90)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) {
        RecordedRequest r = l.takeRequest(Duration.ofSeconds(15)).orElseThrow(() -> new AssertionError(
            "only " + seen.size() + " of " + n + " delayed requests reached the handler: latency holds threads"));
        seen.add(r.query());
      }
      assertEquals(n, seen.size());
      for (var a : answers) {
        assertFalse(a.isDone(), "answered before its minute of latency");
      }
      // A request on a fresh connection is handled too while all of those are held.
      assertEquals(0, l.statusRequests("default"));
      var another = Http.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(l.url("/status"))
          .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals("/status", l.takeRequest(Duration.ofSeconds(15)).orElseThrow().path());
      assertEquals(1, l.statusRequests("default"));
      answers.add(another);
      l.close();
      for (var a : answers) {
        // Closing ends the held exchanges: none is left waiting for its minute.
        java.util.concurrent.ExecutionException e = assertThrows(
            java.util.concurrent.ExecutionException.class, () -> a.get(20, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof java.io.IOException, e.toString());
      }
    } finally {
      l.close();
    }
  }

  @Test
  void hundredThousandJobsStillAnswer() {
    String last = null;
    for (int i = 0; i < 100_000; i++) {
      last = sim.submit();
    }
    assertEquals(200, Http.get(sim.url("/status?job=" + last)).statusCode());
  }
}
