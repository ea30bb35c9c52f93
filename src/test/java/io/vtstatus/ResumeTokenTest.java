package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Closer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Waits that survive their client: {@code resumeToken} and {@code resume}, and every refusal. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResumeTokenTest {
  @RegisterExtension final Closer closer = new Closer();

  private SimulatorServer sim() throws Exception {
    return closer.add(SimulatorServer.builder().build().start());
  }

  private StatusClient client(URI server) {
    return client(server, Clock.systemUTC());
  }

  private StatusClient client(URI server, Clock clock) {
    return closer.add(StatusClient.builder(server).webhook(WebhookOptions.disabled())
        .header("Authorization", "Bearer s3cret-value").clock(clock)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))).build());
  }

  private static String token(String json) {
    return "vt1." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String decoded(String token) {
    return new String(Base64.getUrlDecoder().decode(token.substring(4)), StandardCharsets.UTF_8);
  }

  @Test
  void aResumedWaitKeepsItsDeadlineItsPollsAndItsStart() throws Exception {
    SimulatorServer sim = sim();
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    StatusClient first = client(sim.url());
    CompletableFuture<JobResult> dying = first.watch(id, Duration.ofMinutes(10));
    while (sim.statusRequests(id) < 3) {
      assertTrue(sim.takeRequest(Duration.ofSeconds(10)).isPresent(), "polls go out");
    }
    String token = first.resumeToken(id).orElseThrow();
    first.close();
    // Failed by close() at once; the future completes on the callback executor, soon after.
    assertNotNull(dying.handle((r, e) -> e).get(10, TimeUnit.SECONDS),
        "the first client's wait is over");
    int pollsBefore = sim.statusRequests(id);
    assertTrue(token.startsWith("vt1."), token);
    assertTrue(token.length() < 400, "short: " + token.length());
    assertFalse(decoded(token).contains("s3cret"), "no credential in " + decoded(token));

    StatusClient second = client(sim.url());
    CompletableFuture<JobResult> resumed = second.resume(token);
    assertTrue(second.resumeToken(id).isPresent(), "a resumed wait is a live watch");
    sim.complete(id, JobStatus.COMPLETED);
    JobResult r = resumed.get(20, TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertTrue(r.polls() > pollsBefore - 1, "polls count from the first watch: " + r.polls());
    assertFalse(second.resumeToken(id).isPresent(), "nothing to resume once it ended");
  }

  @Test
  void aTokenPastItsDeadlineFailsAtOnce() throws Exception {
    SimulatorServer sim = sim();
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    StatusClient first = client(sim.url());
    first.watch(id, Duration.ofMinutes(1));
    String token = first.resumeToken(id).orElseThrow();
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2));
    CompletableFuture<JobResult> f = client(sim.url(), later).resume(token);
    assertTrue(f.isDone(), "at once, no request");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(0, TimeUnit.SECONDS));
    JobTimeoutException t = assertInstanceOf(JobTimeoutException.class, e.getCause());
    assertTrue(t.getMessage().contains(id), t.getMessage());
  }

  @Test
  void aTokenOfAnotherServerOrProtocolIsRefusedSayingWhich() throws Exception {
    SimulatorServer a = sim();
    SimulatorServer b = sim();
    String id = a.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    StatusClient ca = client(a.url());
    ca.watch(id);
    String token = ca.resumeToken(id).orElseThrow();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> client(b.url()).resume(token));
    assertTrue(e.getMessage().contains("another server"), e.getMessage());
    StatusClient replicate = closer.add(StatusClient.builder(a.url())
        .protocol(JobProtocol.replicate()).build());
    e = assertThrows(IllegalArgumentException.class, () -> replicate.resume(token));
    assertTrue(e.getMessage().contains("protocol"), e.getMessage());
  }

  @Test
  void malformedAndForeignVersionTokensAreRefusedSayingWhich() throws Exception {
    StatusClient c = client(sim().url());
    String server = c.server().toString().replaceAll("/+$", "");
    String[] malformed = {
      "", "garbage", "vt1", "vt1.!!!", "vt1.a", token("not json"), token("[1]"),
      token("{\"p\":\"vtstatus\",\"j\":\"x\",\"n\":0,\"b\":1}"),
      token("{\"s\":\"" + server + "\",\"p\":\"vtstatus\",\"n\":0,\"b\":1}"),
      token("{\"s\":\"" + server + "\",\"p\":\"vtstatus\",\"j\":\"x\",\"n\":-1,\"b\":1}"),
      token("{\"s\":\"" + server + "\",\"p\":\"vtstatus\",\"j\":\"x\",\"n\":0}"),
      token("{\"s\":\"" + server + "\",\"p\":\"vtstatus\",\"j\":\"x\",\"n\":0,\"b\":-5}"),
      "vt1." + "A".repeat(3000),
    };
    for (String t : malformed) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.resume(t),
          "accepted " + t);
      assertTrue(e.getMessage().startsWith("Malformed resume token"), t + ": " + e.getMessage());
    }
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class,
        () -> c.resume("vt2.eyJ9"));
    assertTrue(v.getMessage().contains("version 2"), v.getMessage());
    IllegalArgumentException id = assertThrows(IllegalArgumentException.class, () -> c.resume(
        token("{\"s\":\"" + server + "\",\"p\":\"vtstatus\",\"j\":\"../x\",\"n\":0,\"b\":1}")));
    assertFalse(id.getMessage().isEmpty());
    assertThrows(NullPointerException.class, () -> c.resume(null));
  }

  @Test
  void noLiveWatchNoToken() throws Exception {
    StatusClient c = client(sim().url());
    assertEquals(java.util.Optional.empty(), c.resumeToken("nobody-watches-this"));
  }

  @Test
  void aTokenWithoutDeadlineResumesWithoutOne() throws Exception {
    SimulatorServer sim = sim();
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    StatusClient c = client(sim.url(), Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
    String server = c.server().toString().replaceAll("/+$", "");
    CompletableFuture<JobResult> f = c.resume(token("{\"s\":\"" + server
        + "\",\"p\":\"vtstatus\",\"j\":\"" + id + "\",\"n\":7,\"b\":0}"));
    sim.complete(id, JobStatus.ERROR);
    JobResult r = f.get(20, TimeUnit.SECONDS);
    assertEquals(JobStatus.ERROR, r.status());
    assertTrue(r.polls() >= 8, "7 before, at least one now: " + r.polls());
    assertTrue(r.waited().compareTo(Duration.ofDays(365 * 50)) > 0, "from 1970: " + r.waited());
  }
}
