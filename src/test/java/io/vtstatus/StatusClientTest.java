package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.RecordedRequest;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.simulator.WebhookDelivery;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.Recorder;
import io.vtstatus.testing.ThreadLeaks;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client against the simulator, over real loopback sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusClientTest {
  private static final Duration LONG = Duration.ofSeconds(20);
  @RegisterExtension final Closer closer = new Closer();

  private SimulatorServer sim(SimulatorServer.Builder b) throws Exception {
    return closer.add(b.build().start());
  }

  private StatusClient client(StatusClient.Builder b) {
    return closer.add(b.build());
  }

  /** A client of {@code sim} on {@code schedule} whose webhook listener is registered. */
  private StatusClient registered(SimulatorServer sim, PollSchedule schedule, Recorder rec)
      throws InterruptedException {
    StatusClient c = client(StatusClient.builder(sim.url()).pollSchedule(schedule).listener(rec));
    assertEquals("ok", awaitRegistered(rec));
    return c;
  }

  private static String awaitRegistered(Recorder rec) throws InterruptedException {
    return rec.awaitRegistration(Duration.ofSeconds(10));
  }

  @Test
  void webhookBeatsPolling() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    StatusClient c = registered(sim, PollSchedule.fixed(Duration.ofSeconds(30)), rec);
    String id = sim.submit(Duration.ofMillis(100), JobStatus.COMPLETED);
    JobResult r = c.await(id, LONG);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(0, r.polls());
    assertTrue(r.updatedAt().isPresent());
  }

  @Test
  void pollingAloneFindsTheEnd() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    StatusClient c = client(StatusClient.builder(sim.url()).listener(rec)
        .webhook(WebhookOptions.disabled()).pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))));
    // The job ends when the test says, after a poll has seen it pending: no race with the clock.
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id, LONG);
    assertTrue(rec.awaitEvent("poll " + id + " PENDING", LONG), "a poll saw the job pending");
    assertTrue(sim.complete(id, JobStatus.COMPLETED));
    JobResult r = f.get(LONG.toSeconds(), TimeUnit.SECONDS);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(DetectedBy.POLL, r.detectedBy());
    assertTrue(r.polls() >= 2, "polls " + r.polls());
    assertEquals(r.polls(), sim.statusRequests(id));
  }

  @Test
  void errorOutcomeIsAResultNotAnException() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    StatusClient c = client(StatusClient.builder(sim.url()).pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))));
    String id = sim.submit(Duration.ofMillis(50), JobStatus.ERROR);
    JobResult r = c.await(id, LONG);
    assertEquals(JobStatus.ERROR, r.status());
    assertFalse(r.isCompleted());
  }

  @Test
  void unreachableListenerIsCaughtByPolling() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder().webhookRetries(List.of(Duration.ZERO)));
    Recorder rec = new Recorder();
    // Registered under a URL nobody listens on: every delivery is refused.
    StatusClient c = client(StatusClient.builder(sim.url())
        .webhook(WebhookOptions.port(0).publicUrl(URI.create("http://127.0.0.1:1/webhook")))
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(100))).listener(rec));
    assertEquals("ok", awaitRegistered(rec));
    String id = sim.submit(Duration.ofMillis(100), JobStatus.COMPLETED);
    JobResult r = c.await(id, LONG);
    assertEquals(DetectedBy.POLL, r.detectedBy());
    assertEquals(JobStatus.COMPLETED, r.status());
    WebhookDelivery d = sim.takeDelivery(LONG).orElseThrow();
    assertEquals(0, d.statusCode());
  }

  @Test
  void droppedWebhooksAreCaughtByPolling() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder().dropWebhooks(1.0));
    Recorder rec = new Recorder();
    StatusClient c = registered(sim, PollSchedule.fixed(Duration.ofMillis(100)), rec);
    String id = sim.submit(Duration.ofMillis(100), JobStatus.ERROR);
    JobResult r = c.await(id, LONG);
    assertEquals(DetectedBy.POLL, r.detectedBy());
    assertEquals(JobStatus.ERROR, r.status());
    assertEquals(0, rec.webhooks.get());
  }

  @Test
  void duplicateWebhooksCompleteOnce() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder().duplicateWebhooks(1.0));
    Recorder rec = new Recorder();
    StatusClient c = registered(sim, PollSchedule.fixed(Duration.ofSeconds(30)), rec);
    String id = sim.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id, LONG);
    assertEquals(DetectedBy.WEBHOOK, f.get(20, TimeUnit.SECONDS).detectedBy());
    // Both copies reach the listener; the second is acknowledged as already seen.
    WebhookDelivery first = sim.takeDelivery(LONG).orElseThrow();
    WebhookDelivery second = sim.takeDelivery(LONG).orElseThrow();
    assertEquals(first.eventId(), second.eventId());
    assertEquals(204, second.statusCode());
    assertEquals(1, rec.completions.get(id).get());
    assertEquals(1, rec.webhooks.get(), "the replayed id must not count as a second webhook");
  }

  @Test
  void webhookBeforeWatchCompletesTheWatchAtOnce() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    StatusClient c = registered(sim, PollSchedule.fixed(Duration.ofSeconds(30)), rec);
    String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
    WebhookDelivery d = sim.takeDelivery(LONG).orElseThrow();
    assertEquals(id, d.jobId());
    assertEquals(204, d.statusCode());
    JobResult r = c.await(id, LONG);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertEquals(0, r.polls());
  }

  @Test
  void timeoutCarriesTheLastStatus() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    StatusClient c = client(StatusClient.builder(sim.url()).listener(rec)
        .webhook(WebhookOptions.disabled()).pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))));
    String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    JobTimeoutException e = assertThrows(JobTimeoutException.class, () -> c.await(id, Duration.ofMillis(1500)));
    assertEquals(JobStatus.PENDING, e.lastStatus());
    assertEquals(id, e.jobId());
    // A cold HttpClient on a loaded machine may take most of a second for its first answer:
    // count answers, not a rate.
    assertTrue(rec.polls.get() >= 1, "no poll was answered");
    assertTrue(e.polls() >= rec.polls.get(), e.polls() + " polls sent, " + rec.polls + " answered");
    assertTrue(e.waited().compareTo(Duration.ofMillis(1500)) >= 0, "gave up early: " + e.waited());
    assertEquals(0, c.activeWatches());
  }

  @Test
  void unknownJobFailsFast() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    StatusClient c = client(StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled()));
    JobNotFoundException e = assertThrows(JobNotFoundException.class, () -> c.await("no-such-job", LONG));
    assertEquals("no-such-job", e.jobId());
  }

  @Test
  void aRestartedServerGetsOurRegistrationBack() throws Exception {
    SimulatorServer first = SimulatorServer.builder().build().start();
    Recorder rec = new Recorder();
    // Poll once at once, then rarely: webhooks must do the rest.
    PollSchedule onceThenRarely = ctx -> ctx.polls() == 0 ? Duration.ZERO : Duration.ofSeconds(30);
    StatusClient c = client(StatusClient.builder(first.url()).pollSchedule(onceThenRarely).listener(rec));
    assertEquals("ok", awaitRegistered(rec));
    String lost = first.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    int port = first.port();
    first.close();
    SimulatorServer second = sim(SimulatorServer.builder().port(port));
    // The 404 for a job the new server never knew tells the client to register again.
    assertThrows(JobNotFoundException.class, () -> c.await(lost, LONG));
    assertEquals("ok", awaitRegistered(rec));
    assertEquals(1, second.webhookCount());
    // Ended by hand after the immediate poll has seen it pending: a short job would race that poll.
    String id = second.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(id, LONG);
    assertTrue(rec.awaitEvent("poll " + id + " PENDING", LONG));
    second.complete(id, JobStatus.COMPLETED);
    assertEquals(DetectedBy.WEBHOOK, f.get(LONG.toSeconds(), TimeUnit.SECONDS).detectedBy());
  }

  @Test
  void aBusyWebhookPortIsAClearErrorNotAnExit() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
          () -> StatusClient.create("http://127.0.0.1:1", taken.getLocalPort()));
      assertTrue(e.getMessage().contains("port " + taken.getLocalPort()), e.getMessage());
    }
  }

  @Test
  void failedRegistrationIsReportedPollingCarriesOnAndRegistrationIsRetried() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    // A front that refuses the first registration and passes everything else to the simulator.
    AtomicInteger registrations = new AtomicInteger();
    com.sun.net.httpserver.HttpServer front = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    front.createContext("/", ex -> {
      try (ex) {
        byte[] body = ex.getRequestBody().readAllBytes();
        if (ex.getRequestURI().getPath().equals("/register-webhook") && registrations.incrementAndGet() == 1) {
          ex.sendResponseHeaders(503, -1);
          return;
        }
        java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(
            sim.url().resolve(ex.getRequestURI().toString()))
            .method(ex.getRequestMethod(), java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
        if (r.body().length > 0) {
          ex.getResponseBody().write(r.body());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    front.start();
    try {
      Recorder rec = new Recorder();
      StatusClient c = client(StatusClient.builder(URI.create("http://127.0.0.1:" + front.getAddress().getPort()))
          .pollSchedule(PollSchedule.fixed(Duration.ofMillis(100))).listener(rec));
      assertTrue(awaitRegistered(rec).startsWith("failed:"), "the failure is reported");
      JobResult r = c.await(sim.submit(Duration.ofMillis(100), JobStatus.COMPLETED), LONG);
      assertEquals(DetectedBy.POLL, r.detectedBy(), "polling carried on without webhooks");
      assertEquals("ok", awaitRegistered(rec), "registration was retried");
      JobResult later = c.await(sim.submit(Duration.ofMillis(300), JobStatus.COMPLETED), LONG);
      assertEquals(JobStatus.COMPLETED, later.status());
      assertEquals(2, registrations.get());
    } finally {
      front.stop(0);
    }
  }

  @Test
  void cancelStopsPolling() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    StatusClient c = client(StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).listener(rec));
    String cancelled = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    String marker = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
    CompletableFuture<JobResult> f = c.watch(cancelled, LONG);
    assertTrue(rec.awaitEvent("poll " + cancelled, LONG));
    assertTrue(rec.awaitEvent("poll " + cancelled, LONG));
    assertTrue(f.cancel(true));
    int after = sim.statusRequests(cancelled);
    // While the marker job is polled ten times, the cancelled one would have been too.
    c.watch(marker, LONG);
    for (int i = 0; i < 10; i++) {
      assertTrue(rec.awaitEvent("poll " + marker, LONG));
    }
    assertTrue(sim.statusRequests(cancelled) <= after + 1, "polls went on after cancel");
    assertEquals(1, c.activeWatches());
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void closeStopsTheHttpClientAtOnceWhereTheJdkCan() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      ThreadLeaks leaks = ThreadLeaks.snapshot();
      StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled()).build();
      assertEquals(JobStatus.COMPLETED, c.await(sim.submit(Duration.ZERO, JobStatus.COMPLETED), LONG).status());
      c.close();
      leaks.assertHttpClientsWereStopped();
    }
  }

  // Repeated: closing while the registration request is in flight used to strand the Java 17
  // HttpClient's selector thread for a minute, in one run out of two or three.
  @org.junit.jupiter.api.RepeatedTest(3)
  void closeFailsPendingWatchesAndLeavesNoThread() throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    CompletableFuture<JobResult> f;
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      StatusClient c = StatusClient.builder(sim.url()).build();
      f = c.watch(sim.submit(Duration.ofHours(1), JobStatus.COMPLETED), LONG);
      c.close();
      c.close();
      assertThrows(IllegalStateException.class, () -> c.watch("x"));
    }
    assertThrows(CancellationException.class, () -> f.get(5, TimeUnit.SECONDS));
    leaks.assertNoNewThreads();
  }

  @Test
  void injectedSchedulerIsUsedAndLeftRunning() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    java.util.concurrent.ScheduledThreadPoolExecutor mine = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
    try {
      StatusClient c = StatusClient.builder(sim.url()).webhook(WebhookOptions.disabled())
          .executor(mine).pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).build();
      try (c) {
        // The job ends once it has been polled three times, however slow the machine: at least
        // two of those polls were timed by the schedule's 20 ms, on some scheduler.
        String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
        CompletableFuture<JobResult> f = c.watch(id, LONG);
        for (int polls = 0; polls < 3; ) {
          RecordedRequest r = sim.takeRequest(LONG).orElseThrow(
              () -> new AssertionError("polled only " + sim.statusRequests(id) + " times"));
          polls += r.path().equals("/status") && r.query().contains(id) ? 1 : 0;
        }
        sim.complete(id, JobStatus.COMPLETED);
        assertEquals(JobStatus.COMPLETED, f.get(LONG.toSeconds(), TimeUnit.SECONDS).status());
      }
      assertTrue(mine.getCompletedTaskCount() >= 2, "polls were not timed on the injected scheduler");
      assertFalse(mine.isShutdown());
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void clockOutOfStepRejectsWebhooksAsStaleAndPollingCarriesOn() throws Exception {
    SimulatorServer sim = sim(SimulatorServer.builder());
    Recorder rec = new Recorder();
    java.time.Clock ahead = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(1));
    StatusClient c = client(StatusClient.builder(sim.url()).clock(ahead)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(200))).listener(rec));
    assertEquals("ok", awaitRegistered(rec));
    String id = sim.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
    assertEquals(401, sim.takeDelivery(LONG).orElseThrow().statusCode());
    JobResult r = c.await(id, LONG);
    assertEquals(DetectedBy.POLL, r.detectedBy());
    assertTrue(rec.rejected.get() >= 1);
  }

  @Test
  void seedEntryWaitsForTheDefaultJob() throws Exception {
    // The integration the original never ran: our simulator, our client, and the server's log.
    SimulatorServer sim = sim(SimulatorServer.builder().delay(JobDurations.fixed(Duration.ofMillis(300)))
        .log(System.out));
    try (StatusClient c = StatusClient.create(sim.url().toString(), 0)) {
      assertEquals(JobStatus.COMPLETED, c.startClientWithWebhook());
    }
    assertTrue(sim.statusRequests("default") >= 1);
  }

  @Test
  void twoThousandJobsOnOneClientResolveExactlyOnceOnFewThreads() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    SimulatorServer sim = sim(SimulatorServer.builder().seed(7).errorRate(0.3)
        .delay(JobDurations.uniform(Duration.ofMillis(50), Duration.ofMillis(1500))).dropWebhooks(0.2));
    Recorder rec = new Recorder();
    // A sparse net, so that the webhook path carries the load. (With the default adaptive schedule
    // the net learned from the first jobs polls at about 1 s and wins 20-40 % of the races while
    // 2,000 events queue for delivery: a property of the schedule, measured by `bench`.)
    StatusClient c = client(StatusClient.builder(sim.url()).listener(rec)
        .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(10))));
    assertEquals("ok", awaitRegistered(rec));
    long startedBefore = mx.getTotalStartedThreadCount();
    int n = 2000;
    Map<String, CompletableFuture<JobResult>> fs = new HashMap<>();
    for (int i = 0; i < n; i++) {
      // Created by this client: its watch waits for the schedule's first poll. A job created
      // elsewhere gets a first look within a second (it may have ended before its watch), and
      // those looks would race the webhooks this test is about.
      String id = c.submit();
      fs.put(id, c.watch(id, Duration.ofSeconds(40)));
    }
    CompletableFuture.allOf(fs.values().toArray(new CompletableFuture<?>[0])).get(50, TimeUnit.SECONDS);
    int clientThreads = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("vtstatus-") && !t.getName().startsWith("vtstatus-sim")) {
        clientThreads++;
      }
    }
    long started = mx.getTotalStartedThreadCount() - startedBefore;
    AtomicInteger byHook = new AtomicInteger();
    for (Map.Entry<String, CompletableFuture<JobResult>> e : fs.entrySet()) {
      JobResult r = e.getValue().join();
      assertEquals(sim.status(e.getKey()), Optional.of(r.status()), e.getKey());
      assertEquals(1, rec.completions.get(e.getKey()).get(), e.getKey());
      if (r.detectedBy() == DetectedBy.WEBHOOK) {
        byHook.incrementAndGet();
      }
    }
    assertEquals(n, rec.completions.size());
    // A dropped first attempt is retried 100 ms later, long before a poll is due (10 s): a client
    // that ignored or lost webhooks would be caught here.
    assertTrue(byHook.get() >= 0.9 * n, "webhooks detected " + byHook + " of " + n);
    // Client and simulator together: pools are bounded, nothing starts a thread per job.
    assertTrue(started <= 64, "threads started during the run: " + started);
    // The client's own pools: scheduler, request pool, HttpClient executor, webhook handlers.
    assertTrue(clientThreads <= 32, "client threads alive: " + clientThreads);
    assertEquals(0, c.activeWatches());
  }
}
