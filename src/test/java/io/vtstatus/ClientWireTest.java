package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.RawHttpServer;
import io.vtstatus.testing.RawHttpServer.Request;
import io.vtstatus.testing.Recorder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the client does with what comes over the wire, through the public API only: servers that
 * answer what no good server answers (raw sockets), the original server's shapes, and the
 * documented options and events.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientWireTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String JOB = "job_1";
  @RegisterExtension final Closer closer = new Closer();

  /** A polling-only client of {@code server} that polls every 50 ms. */
  private StatusClient pollingClient(URI server) {
    return closer.add(StatusClient.builder(server).webhook(WebhookOptions.disabled())
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))).timeout(WAIT).build());
  }

  private static Throwable failure(CompletableFuture<JobResult> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS));
    return e.getCause();
  }

  // ---- ProtocolException: answers we cannot use ----

  @ParameterizedTest
  @ValueSource(ints = {201, 202, 204, 206})
  void aSuccessOtherThan200IsAProtocolException(int code) {
    // 204 has no body by definition; the others carry a valid terminal answer.
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(code,
        code == 204 ? "" : "{\"job\":\"" + JOB + "\",\"status\":\"completed\"}")));
    Throwable t = failure(pollingClient(server.url()).watch(JOB));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("answered " + code), t.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 405, 410, 418, 422})
  void aClientErrorOtherThan404Or408Or429IsAProtocolExceptionQuotingTheBody(int code) throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(code, "{\"error\":\"nope " + code + "\"}")));
    Throwable t = failure(pollingClient(server.url()).watch(JOB));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("answered " + code) && t.getMessage().contains("nope " + code),
        t.getMessage());
    server.takeFor("/status", WAIT);
    assertTrue(server.take(Duration.ZERO).isEmpty(), "a 4xx was retried");
  }

  @Test
  void notFoundIsJobNotFoundNotAProtocolException() {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(404, "{\"error\":\"unknown job\"}")));
    Throwable t = failure(pollingClient(server.url()).watch(JOB));
    assertInstanceOf(JobNotFoundException.class, t);
    assertEquals(JOB, ((JobNotFoundException) t).jobId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{}", "[\"completed\"]", "{\"status\":\"weird\"}",
      "{\"status\":5}", "{\"status\":\"completed\",\"status\":\"error\"}", ""})
  void anUnreadable200BodyIsAProtocolException(String body) {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(200, body)));
    Throwable t = failure(pollingClient(server.url()).watch(JOB));
    assertInstanceOf(ProtocolException.class, t);
  }

  @Test
  void aBodyOver64KiBIsAProtocolException() {
    byte[] big = new byte[70 * 1024];
    java.util.Arrays.fill(big, (byte) ' ');
    byte[] json = "{\"status\":\"completed\"}".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(json, 0, big, 0, json.length);
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.answer(200, "application/json", big)));
    // A valid answer padded past the cap: accepting it would mean reading more than 64 KiB.
    Throwable t = failure(pollingClient(server.url()).watch(JOB));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("65536"), t.getMessage());
  }

  // ---- submit(): Idempotency-Key and retries ----

  @Test
  void submitRetriesWithTheSameIdempotencyKeyAndMakesOneJob() throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    HttpClient forward = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newSingleThreadExecutor(io.vtstatus.internal.util.Threads.daemon("test-forward")))
        .build();
    AtomicInteger posts = new AtomicInteger();
    // Every attempt reaches the simulator; the answers to the first two are lost (a connection
    // closed without an answer, then a 503), as when a proxy or the network fails after the fact.
    RawHttpServer front = closer.add(new RawHttpServer(r -> {
      if (!r.path().equals("/jobs")) {
        return RawHttpServer.json(404, "{}");
      }
      HttpResponse<String> real;
      try {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.url("/jobs")).timeout(WAIT)
            .POST(HttpRequest.BodyPublishers.ofString(r.body()));
        if (r.header("idempotency-key") != null) {
          b.header("Idempotency-Key", r.header("idempotency-key"));
        }
        real = forward.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
      switch (posts.incrementAndGet()) {
        case 1: return Optional.empty();
        case 2: return RawHttpServer.json(503, "{\"error\":\"busy\"}");
        default: return RawHttpServer.json(real.statusCode(), real.body());
      }
    }));
    StatusClient c = closer.add(StatusClient.builder(front.url()).webhook(WebhookOptions.disabled()).build());
    String id = c.submit();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      keys.add(front.takeFor("/jobs", WAIT).header("idempotency-key"));
    }
    assertNotNull(keys.get(0));
    assertFalse(keys.get(0).isEmpty());
    assertEquals(List.of(keys.get(0), keys.get(0), keys.get(0)), keys, "every retry resends the key");
    assertEquals(1, sim.jobCount(), "three attempts reached the server; one job resulted");
    assertTrue(sim.status(id).isPresent(), "submit() returned the job the server made");
    String another = c.submit();
    assertFalse(another.equals(id), "a new submit() is a new job");
    assertFalse(keys.get(0).equals(front.takeFor("/jobs", WAIT).header("idempotency-key")),
        "a new submit() sends a new key");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 409})
  void submitDoesNotRetryAClientError(int code) throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(code, "{\"error\":\"no " + code + "\"}")));
    StatusClient c = closer.add(StatusClient.builder(server.url()).webhook(WebhookOptions.disabled()).build());
    ProtocolException e = assertThrows(ProtocolException.class, c::submit);
    assertTrue(e.getMessage().contains("answered " + code), e.getMessage());
    server.takeFor("/jobs", WAIT);
    assertTrue(server.take(Duration.ZERO).isEmpty(), "a " + code + " was retried");
  }

  @Test
  void submitGivesUpOnAServerThatKeepsFailing() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(503, "{\"error\":\"down\"}")));
    StatusClient c = closer.add(StatusClient.builder(server.url()).webhook(WebhookOptions.disabled()).build());
    IOException e = assertThrows(IOException.class, c::submit);
    assertFalse(e instanceof ProtocolException, e.toString());
    assertTrue(e.getMessage().contains("503"), e.getMessage());
  }

  // ---- the original Go server's shapes ----

  @Test
  void theOriginalServersPlainTextRegistrationAndJoblessUnsignedWebhookWork() throws Exception {
    AtomicReference<String> state = new AtomicReference<>("pending");
    BlockingQueue<String> registeredUrls = new LinkedBlockingQueue<>();
    RawHttpServer original = closer.add(new RawHttpServer(r -> {
      if (r.path().equals("/register-webhook")) {
        registeredUrls.add(io.vtstatus.internal.json.Json.write(r.body()));
        // The original answers 200 with a line of text, not JSON.
        return RawHttpServer.answer(200, "text/plain; charset=utf-8",
            "Webhook registered successfully\n".getBytes(StandardCharsets.UTF_8));
      }
      if (r.path().equals("/status")) {
        return RawHttpServer.json(200, "{\"result\":\"" + state.get() + "\"}");
      }
      return RawHttpServer.json(404, "{}");
    }));
    Recorder rec = new Recorder();
    // One poll at once, then none for a minute: the end must come through the webhook's hint.
    PollSchedule onceThenRarely = ctx -> ctx.polls() == 0 ? Duration.ZERO : Duration.ofMinutes(1);
    StatusClient c = closer.add(StatusClient.builder(original.url()).pollSchedule(onceThenRarely)
        .listener(rec).timeout(Duration.ofMinutes(2)).build());
    assertEquals("ok", rec.awaitRegistration(WAIT), "a 200 without JSON is a registration");
    CompletableFuture<JobStatus> answer = CompletableFuture.supplyAsync(() -> {
      try {
        return c.startClientWithWebhook();
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }, Executors.newSingleThreadExecutor(io.vtstatus.internal.util.Threads.daemon("test-original")));
    Request first = original.takeFor("/status", WAIT);
    assertEquals("/status", first.target(), "the default job, without a job parameter");
    state.set("completed");
    // The original server's webhook: no job, no signature headers.
    URI hook = c.webhookUrl().orElseThrow();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(hook).timeout(WAIT)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"completed\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), "an unsigned webhook is accepted as a hint: " + r.body());
    assertEquals(JobStatus.COMPLETED, answer.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals("/status", original.takeFor("/status", WAIT).target(), "the hint was confirmed by a poll");
    assertTrue(registeredUrls.take().contains(hook.getPath()));
  }

  // ---- WebhookOptions: bindAddress and path ----

  @Test
  void bindAddressAndPathAreWhereTheListenerListensAndWhatItRegisters() throws Exception {
    InetAddress other = InetAddress.getByName("127.0.0.2");
    try (Socket probe = new Socket()) {
      probe.bind(new InetSocketAddress(other, 0));
    } catch (IOException e) {
      Assumptions.abort("127.0.0.2 is not a loopback address here: " + e);
    }
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    Recorder rec = new Recorder();
    StatusClient c = closer.add(StatusClient.builder(sim.url())
        .webhook(WebhookOptions.port(0).bindAddress(other).path("/hooks/vt"))
        .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(1))).listener(rec).build());
    assertEquals("ok", rec.awaitRegistration(WAIT));
    URI url = c.webhookUrl().orElseThrow();
    assertEquals("127.0.0.2", url.getHost());
    assertEquals("/hooks/vt", url.getPath());
    // Bound to that address only: the same port on 127.0.0.1 refuses.
    assertThrows(java.net.ConnectException.class,
        () -> new Socket(InetAddress.getByName("127.0.0.1"), url.getPort()).close());
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id);
    sim.complete(id, JobStatus.COMPLETED);
    WebhookDelivery d = sim.takeDelivery(WAIT).orElseThrow();
    assertEquals(url, d.url());
    assertEquals(204, d.statusCode());
    assertEquals(DetectedBy.WEBHOOK, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).detectedBy());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    int wrongPath = http.send(HttpRequest.newBuilder(url.resolve("/webhook")).timeout(WAIT)
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
    assertEquals(404, wrongPath, "only the configured path is served");
  }

  // ---- JobListener: pollSent and statusChanged ----

  /** Every event as a line, in order. */
  private static final class Events implements JobListener {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @Override
    public void pollSent(String jobId, int attempt) {
      lines.add("sent " + jobId + " " + attempt);
    }

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      lines.add("answered " + jobId + " " + attempt + " " + status);
    }

    @Override
    public void statusChanged(String jobId, JobStatus from, JobStatus to) {
      lines.add("changed " + jobId + " " + from + " " + to);
    }

    @Override
    public void completed(JobResult result) {
      lines.add("completed " + result.jobId() + " " + result.status());
    }

    String next() throws InterruptedException {
      String s = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("no event within " + WAIT);
      }
      return s;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"COMPLETED", "ERROR"})
  void pollSentPrecedesEachAnswerAndStatusChangedFiresOncePerChange(JobStatus outcome) throws Exception {
    SimulatorServer sim = closer.add(SimulatorServer.builder().build().start());
    Events events = new Events();
    StatusClient c = closer.add(StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(30))).listener(events).build());
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id);
    for (int attempt = 1; attempt <= 3; attempt++) {
      assertEquals("sent " + id + " " + attempt, events.next());
      assertEquals("answered " + id + " " + attempt + " PENDING", events.next(),
          "pending stays pending: no statusChanged");
    }
    sim.complete(id, outcome);
    String line;
    int attempt = 3;
    while ((line = events.next()).startsWith("sent ") || line.endsWith(" PENDING")) {
      attempt += line.startsWith("sent ") ? 1 : 0;
    }
    assertEquals("answered " + id + " " + attempt + " " + outcome, line);
    assertEquals("changed " + id + " PENDING " + outcome, events.next());
    assertEquals("completed " + id + " " + outcome, events.next());
    assertEquals(outcome, f.get(WAIT.toSeconds(), TimeUnit.SECONDS).status());
    assertEquals(attempt, sim.statusRequests(id), "one pollSent per request the server saw");
  }
}
