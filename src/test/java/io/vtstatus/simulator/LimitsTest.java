package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's documented limits, on small settings, and its answers at each limit. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {
  private static String job(HttpResponse<String> r) {
    assertEquals(201, r.statusCode(), r.body());
    return (String) Http.json(r).get("job");
  }

  private static void assertError(HttpResponse<String> r, int code, String containing) {
    assertEquals(code, r.statusCode(), r.body());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    String error = (String) Http.json(r).get("error");
    assertTrue(error.contains(containing), error);
  }

  @Test
  void aFullStoreEvictsTheJobThatEndedFirstAndRefusesWhenAllArePending() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().maxJobs(3).build().start()) {
      String a = job(Http.post(sim.url("/jobs"), "{\"duration_ms\":3600000}"));
      String b = job(Http.post(sim.url("/jobs"), "{\"duration_ms\":3600000}"));
      String c = job(Http.post(sim.url("/jobs"), "{\"duration_ms\":3600000}"));

      HttpResponse<String> full = Http.post(sim.url("/jobs"), "");
      assertError(full, 503, "3 jobs, all pending");
      assertEquals("1", full.headers().firstValue("Retry-After").orElseThrow());
      assertThrows(IllegalStateException.class, sim::submit);
      assertError(Http.get(sim.url("/status")), 503, "all pending"); // the default job, too
      assertEquals(3, sim.jobCount(), "a refused request changed nothing");

      sim.complete(b, JobStatus.ERROR);
      sim.complete(a, JobStatus.COMPLETED);
      String d = job(Http.post(sim.url("/jobs"), ""));
      assertError(Http.get(sim.url("/status?job=" + b)), 404, "ended jobs are kept for 1h, at most 3");
      assertEquals(Optional.empty(), sim.status(b));
      assertEquals("completed", Http.json(Http.get(sim.url("/status?job=" + a))).get("status"));
      assertEquals(200, Http.get(sim.url("/status?job=" + c)).statusCode());
      assertEquals(200, Http.get(sim.url("/status?job=" + d)).statusCode());
      assertEquals(3, sim.jobCount());
      assertEquals(1, sim.removedJobCount());
    }
  }

  @Test
  void anIdempotencyKeyWhoseJobIsGoneNamesANewJob() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().maxJobs(1).build().start()) {
      String first = job(Http.post(sim.url("/jobs"), "{\"duration_ms\":0}", "Idempotency-Key", "k"));
      assertEquals(first, job(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k")));
      assertEquals(Optional.of(JobStatus.COMPLETED), sim.status(first), "due at once: ended");
      String other = job(Http.post(sim.url("/jobs"), "{\"duration_ms\":3600000}"));
      assertEquals(Optional.empty(), sim.status(first), "evicted for the new one");
      assertError(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k"), 503, "all pending");
      sim.complete(other, JobStatus.COMPLETED);
      String again = job(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k"));
      assertNotEquals(first, again);
      assertEquals(again, job(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k")));
    }
  }

  @Test
  void registrationsAreCappedAndRepeatsStillAnswer200() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().maxWebhooks(2).build().start()) {
      String one = "{\"url\":\"http://127.0.0.1:9/one\"}";
      HttpResponse<String> r1 = Http.post(sim.url("/register-webhook"), one);
      assertEquals(200, r1.statusCode());
      assertEquals(200, Http.post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/two\"}")
          .statusCode());
      assertError(Http.post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/three\"}"),
          429, "2 webhook registrations");
      assertEquals(2, sim.webhookCount());
      assertEquals(200, Http.post(sim.url("/register-webhook"), one).statusCode(),
          "repeating an existing registration is not a new one");
      String id = (String) Http.json(r1).get("webhook");
      assertEquals(204, Http.delete(sim.url("/webhooks/" + id)).statusCode());
      assertEquals(200, Http.post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/three\"}")
          .statusCode());
    }
  }

  @Test
  void recordedRequestsAreCutToTheirBounds() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String big = "{\"duration_ms\":3600000,\"pad\":\"" + "\u00e9".repeat(30_000) + "\"}";
      assertEquals(201, Http.post(sim.url("/jobs"), big, "X-Big", "v".repeat(10_000)).statusCode());
      RecordedRequest r = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertTrue(r.truncated());
      assertEquals(RecordedRequest.MAX_BODY_CHARS, r.body().length());
      assertEquals(big.substring(0, RecordedRequest.MAX_BODY_CHARS), r.body());
      assertEquals(null, r.header("X-Big"), "over the header budget: not kept");

      Http.get(sim.url("/status?job=" + "x".repeat(3000)));
      RecordedRequest q = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertTrue(q.truncated());
      assertEquals(RecordedRequest.MAX_TARGET_CHARS, q.query().length());

      Http.get(sim.url("/health"));
      RecordedRequest h = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertFalse(h.truncated());
      assertTrue(h.header("Host") != null);
    }
  }

  @Test
  void builderRejectsBadLimits() {
    SimulatorServer.Builder b = SimulatorServer.builder();
    assertThrows(IllegalArgumentException.class, () -> b.maxJobs(0));
    assertThrows(IllegalArgumentException.class, () -> b.maxWebhooks(0));
    assertThrows(IllegalArgumentException.class, () -> b.retain(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> b.retain(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> b.retain(null));
  }
}
