package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator's conditional reads ({@code ETag}, {@code If-None-Match}, {@code 304}) and held
 * reads ({@code Prefer: wait=N}, {@code Preference-Applied}) on the wire.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldReadsTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private static HttpResponse<String> get(URI uri, String... headers) {
    return Http.send("GET", uri, null, headers);
  }

  private static CompletableFuture<HttpResponse<String>> getAsync(URI uri, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(50)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return Http.CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String etag(HttpResponse<?> r) {
    return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r));
  }

  @Test
  void everyStatusAnswerHasAnETagThatChangesWithTheState() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      HttpResponse<String> created = Http.post(sim.url("/jobs"), "{\"duration_ms\":3600000}");
      assertEquals(201, created.statusCode());
      String id = (String) Http.json(created).get("job");
      HttpResponse<String> pending = get(sim.url("/status?job=" + id));
      assertEquals(etag(created), etag(pending), "one state, one validator");
      sim.complete(id, JobStatus.COMPLETED);
      HttpResponse<String> done = get(sim.url("/status?job=" + id));
      assertFalse(etag(pending).equals(etag(done)), "a new state, a new validator");
      assertTrue(etag(pending).startsWith("\""), "strong without hints: the body is the state's");
    }
  }

  @Test
  void aMatchingIfNoneMatchIsAnswered304WithoutABody() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      URI status = sim.url("/status?job=" + id);
      String tag = etag(get(status));
      HttpResponse<String> same = get(status, "If-None-Match", tag);
      assertEquals(304, same.statusCode());
      assertEquals("", same.body());
      assertEquals(tag, etag(same));
      assertEquals(304, get(status, "If-None-Match", "\"x\", W/" + tag).statusCode(),
          "any entry of the list, compared weakly");
      assertEquals(304, get(status, "If-None-Match", "*").statusCode());
      assertEquals(200, get(status, "If-None-Match", "\"other\"").statusCode());
      sim.complete(id, JobStatus.ERROR);
      HttpResponse<String> changed = get(status, "If-None-Match", tag);
      assertEquals(200, changed.statusCode(), "the state changed: the new body");
      assertTrue(changed.body().contains("\"error\""), changed.body());
      assertEquals(6, sim.statusRequests(id), "a 304 is a status request too");
    }
  }

  @Test
  void withHintsTheETagIsWeakAndA304CarriesAFreshRetryAfter() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().hints(true).build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      URI status = sim.url("/status?job=" + id);
      String tag = etag(get(status));
      assertTrue(tag.startsWith("W/\""), tag);
      HttpResponse<String> same = get(status, "If-None-Match", tag);
      assertEquals(304, same.statusCode());
      assertTrue(same.headers().firstValue("Retry-After").isPresent());
    }
  }

  @Test
  void aHeldReadIsAnsweredTheMomentTheJobEnds() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(30)).build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      CompletableFuture<HttpResponse<String>> held =
          getAsync(sim.url("/status?job=" + id), "Prefer", "wait=40");
      // Routed (and recorded) before it is parked: from here on it is held.
      assertTrue(sim.takeRequest(Duration.ofSeconds(10)).isPresent());
      assertFalse(held.isDone(), "answered before the job ended");
      sim.complete(id, JobStatus.COMPLETED);
      HttpResponse<String> r = held.get(20, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      assertTrue(r.body().contains("\"completed\""), "the answer is the job as it ended: " + r.body());
      assertEquals(Optional.of("wait=30"), r.headers().firstValue("Preference-Applied"),
          "the wait applied is the simulator's cap");
    }
  }

  @Test
  void aHeldReadThatSeesNoChangeIsAnswered304WhenItsWaitIsOver() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(30)).build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      URI status = sim.url("/status?job=" + id);
      String tag = etag(get(status));
      HttpResponse<String> r = getAsync(status, "Prefer", "wait=1", "If-None-Match", tag)
          .get(20, TimeUnit.SECONDS);
      assertEquals(304, r.statusCode());
      assertEquals(Optional.of("wait=1"), r.headers().firstValue("Preference-Applied"));
    }
  }

  @Test
  void anEndedJobIsAnsweredAtOnceAndWithoutMaxWaitNothingIsHeld() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      HttpResponse<String> r = get(sim.url("/status?job=" + id), "Prefer", "wait=50");
      assertTrue(r.body().contains("\"pending\""), "answered at once");
      assertEquals(Optional.empty(), r.headers().firstValue("Preference-Applied"));
    }
    try (SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(30)).build().start()) {
      String id = sim.submit(HOUR, JobStatus.COMPLETED);
      sim.complete(id, JobStatus.COMPLETED);
      HttpResponse<String> r = get(sim.url("/status?job=" + id), "Prefer", "wait=50");
      assertTrue(r.body().contains("\"completed\""));
      assertEquals(Optional.of("wait=30"), r.headers().firstValue("Preference-Applied"));
    }
  }

  @Test
  void manyHeldReadsHoldNoThreadEach() throws Exception {
    int n = 300;
    try (SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(30)).build().start()) {
      List<String> ids = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String id = sim.submit(HOUR, JobStatus.COMPLETED);
        ids.add(id);
        held.add(getAsync(sim.url("/status?job=" + id), "Prefer", "wait=30"));
      }
      for (int i = 0; i < n; i++) {
        assertTrue(sim.takeRequest(Duration.ofSeconds(20)).isPresent(), "request " + i + " routed");
      }
      long simThreads = Thread.getAllStackTraces().keySet().stream()
          .filter(t -> t.getName().startsWith("vtstatus-sim")).count();
      assertTrue(simThreads <= 40, simThreads + " simulator threads for " + n + " held reads");
      for (String id : ids) {
        sim.complete(id, JobStatus.COMPLETED);
      }
      for (CompletableFuture<HttpResponse<String>> f : held) {
        assertTrue(f.get(20, TimeUnit.SECONDS).body().contains("\"completed\""));
      }
    }
  }

  @Test
  void closingTheSimulatorEndsItsHeldReads() throws Exception {
    SimulatorServer sim = SimulatorServer.builder().maxWait(Duration.ofSeconds(30)).build().start();
    String id = sim.submit(HOUR, JobStatus.COMPLETED);
    CompletableFuture<HttpResponse<String>> held =
        getAsync(sim.url("/status?job=" + id), "Prefer", "wait=30");
    assertTrue(sim.takeRequest(Duration.ofSeconds(10)).isPresent());
    sim.close();
    CompletableFuture<Boolean> ended = held.handle((r, e) -> true);
    assertTrue(ended.get(20, TimeUnit.SECONDS), "the held read ended with the simulator");
  }

  @Test
  void maxWaitTakesWholeSecondsUpToADay() {
    SimulatorServer.Builder b = SimulatorServer.builder();
    for (Duration bad : List.of(Duration.ofMillis(1500), Duration.ofSeconds(-1), Duration.ofDays(2))) {
      IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
          IllegalArgumentException.class, () -> b.maxWait(bad));
      assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    }
  }
}
