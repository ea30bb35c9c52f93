package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ServerCommandTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void parsesEveryFlag() throws Exception {
    SimulatorServer.Builder b = ServerCommand.parse(new String[] {
        "--host", "127.0.0.1", "--port=0", "--delay", "lognormal:2s,0.5", "--error-rate", "0.25",
        "--hints", "--fail-rate", "0.1", "--throttle-rate=0.1", "--latency", "1ms..2ms",
        "--drop-webhooks", "0.5", "--duplicate-webhooks", "0.1",
        "--webhook-retries", "0,100ms,2s", "--webhook-timeout", "1s", "--seed", "42"}).orElseThrow();
    try (SimulatorServer sim = b.build().start()) {
      assertTrue(sim.port() > 0, "--port=0 binds any port");
    }
  }

  // ---- each flag changes what the simulator does ----

  private static SimulatorServer started(String... args) throws Exception {
    return ServerCommand.parse(args).orElseThrow().build().start();
  }

  private static HttpResponse<String> get(URI uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void register(SimulatorServer sim, URI hook) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(sim.url("/register-webhook"))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + hook + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(2, r.statusCode() / 100, r.body());
  }

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newCachedThreadPool(Threads.daemon("test-http"))).build();

  @Test
  void hostDelayAndHintsTakeEffect() throws Exception {
    try (SimulatorServer sim = started("--host", "localhost", "--port", "0", "--delay", "5s", "--hints")) {
      assertEquals("localhost", sim.url().getHost());
      HttpResponse<String> r = get(sim.url("/status?job=" + sim.submit()));
      long eta = Json.integer(Json.parseObject(r.body()), "eta_ms").orElseThrow();
      assertTrue(eta > 4_000 && eta <= 5_000, "--delay 5s, eta " + eta);
      assertEquals("5", r.headers().firstValue("Retry-After").orElseThrow(), "--hints");
    }
  }

  @Test
  void errorRateDecidesOutcomes() throws Exception {
    try (SimulatorServer all = started("--port", "0", "--delay", "0ms", "--error-rate", "1");
        SimulatorServer none = started("--port", "0", "--delay", "0ms", "--error-rate", "0")) {
      for (int i = 0; i < 5; i++) {
        assertEquals(Optional.of(JobStatus.ERROR), all.status(all.submit()));
        assertEquals(Optional.of(JobStatus.COMPLETED), none.status(none.submit()));
      }
    }
  }

  @Test
  void failAndThrottleRatesAnswer503And429() throws Exception {
    try (SimulatorServer fail = started("--port", "0", "--fail-rate", "1");
        SimulatorServer throttle = started("--port", "0", "--throttle-rate=1")) {
      assertEquals(503, get(fail.url("/status")).statusCode());
      assertEquals(429, get(throttle.url("/status")).statusCode());
    }
  }

  @Test
  void latencyDelaysAnswers() throws Exception {
    try (SimulatorServer sim = started("--port", "0", "--latency", "300ms..400ms")) {
      // A lower bound only: latency can make an answer later, never earlier.
      long t0 = System.nanoTime();
      assertEquals(200, get(sim.url("/health")).statusCode());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 300, "answered in " + ms + " ms");
    }
  }

  @Test
  void seedMakesIdsReproducible() throws Exception {
    try (SimulatorServer a = started("--port", "0", "--seed", "42");
        SimulatorServer b = started("--port", "0", "--seed", "42");
        SimulatorServer c = started("--port", "0", "--seed", "43")) {
      String first = a.submit();
      assertEquals(first, b.submit());
      assertNotEquals(first, c.submit());
    }
  }

  @Test
  void dropWebhooksAndWebhookRetriesTakeEffect() throws Exception {
    try (Hook hook = new Hook(false);
        SimulatorServer sim = started("--port", "0", "--drop-webhooks", "1", "--webhook-retries", "0,10ms")) {
      register(sim, hook.url());
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      for (int attempt = 1; attempt <= 2; attempt++) {
        WebhookDelivery d = sim.takeDelivery(WAIT).orElseThrow();
        assertEquals(attempt, d.attempt());
        assertTrue(d.dropped(), d.toString());
      }
      assertEquals(0, hook.received(), "a dropped attempt was sent");
    }
  }

  @Test
  void duplicateWebhooksSendsTwiceWithOneId() throws Exception {
    try (Hook hook = new Hook(false);
        SimulatorServer sim = started("--port", "0", "--duplicate-webhooks", "1")) {
      register(sim, hook.url());
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      String first = hook.take();
      assertEquals(first, hook.take(), "the duplicate carries the same webhook-id");
    }
  }

  @Test
  void webhookTimeoutEndsAnAttemptThatGetsNoAnswer() throws Exception {
    try (Hook hook = new Hook(true);
        SimulatorServer sim = started("--port", "0", "--webhook-timeout", "300ms",
            "--webhook-retries", "0")) {
      register(sim, hook.url());
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      hook.take();
      // The default timeout is 5 s: an answer within 4 s shows the flag took effect.
      WebhookDelivery d = sim.takeDelivery(Duration.ofSeconds(4)).orElseThrow(
          () -> new AssertionError("the held attempt did not time out within 4 s"));
      assertEquals(0, d.statusCode());
      assertTrue(d.failure().orElseThrow().contains("timed out"), d.toString());
    }
  }

  @Test
  void retainMaxJobsAndMaxWebhooksTakeEffect() throws Exception {
    try (Hook hook = new Hook(false);
        SimulatorServer sim = started("--port", "0", "--delay", "1h", "--retain", "90s",
            "--max-jobs", "2", "--max-webhooks", "1")) {
      HttpResponse<String> unknown = get(sim.url("/status?job=nope"));
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains("kept for 90s, at most 2 jobs"), unknown.body());
      sim.submit();
      sim.submit();
      assertThrows(IllegalStateException.class, sim::submit, "--max-jobs 2, both pending");
      register(sim, hook.url());
      HttpResponse<String> second = HTTP.send(HttpRequest.newBuilder(sim.url("/register-webhook"))
          .timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + hook.url() + "/2\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(429, second.statusCode(), "--max-webhooks 1: " + second.body());
    }
  }

  /** A webhook receiver: answers 200 at once, or holds every request until closed. */
  private static final class Hook implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, Threads.daemon("test-hook"));
    private final BlockingQueue<String> ids = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    Hook(boolean hold) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.setExecutor(pool);
      server.createContext("/", ex -> {
        try (ex) {
          ex.getRequestBody().readAllBytes();
          ids.add(String.valueOf(ex.getRequestHeaders().getFirst("webhook-id")));
          if (hold) {
            closed.await();
          }
          ex.sendResponseHeaders(200, -1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    String take() throws InterruptedException {
      String id = ids.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (id == null) {
        throw new AssertionError("no webhook within " + WAIT);
      }
      return id;
    }

    int received() {
      return ids.size();
    }

    @Override
    public void close() {
      closed.countDown();
      server.stop(0);
      pool.shutdownNow();
    }
  }

  @Test
  void retriesList() {
    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofSeconds(2)),
        ServerCommand.retries("0,100ms,2s"));
  }

  @Test
  void helpPrintsUsageAndExitsZero() throws Exception {
    assertTrue(ServerCommand.parse(new String[] {"--help"}).isEmpty());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ServerCommand.run(new String[] {"--help"},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, code);
    String text = out.toString(StandardCharsets.UTF_8);
    for (String flag : List.of("--host", "--port", "--delay", "--error-rate", "--hints",
        "--fail-rate", "--latency", "--drop-webhooks", "--webhook-retries", "--seed")) {
      assertTrue(text.contains(flag), flag);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--nope", "--port x", "--port 70000", "--delay 5", "--error-rate 2",
      "--fail-rate x", "--latency 2s..1s", "--webhook-retries ,", "--seed x", "--port",
      "--hints=1", "positional", "--webhook-header NoColon", "--webhook-header X-A:",
      "--webhook-header X-A:env:UNSET_VTSTATUS_VAR_21"})
  void badFlagExits2WithOneLine(String args) {
    assertThrows(Args.UsageException.class, () -> ServerCommand.parse(args.split(" ")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ServerCommand.run(args.split(" "), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, e.lines().count(), e);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aWebhookHeaderIsTakenForTheStandIn() throws Exception {
    assertTrue(ServerCommand.parse(new String[] {"--protocol", "assemblyai", "--webhook-header",
        "X-Hook: env:HOOK"}, Map.of("HOOK", "v4lue")::get).isPresent());
  }

  @Test
  void mainRejectsUnknownCommand() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, Main.run(new String[] {"frobnicate"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals(2, Main.run(new String[0], System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
  }
}
