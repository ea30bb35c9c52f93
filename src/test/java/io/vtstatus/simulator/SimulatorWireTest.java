package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.util.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Documented corners of the wire protocol, over real sockets (raw ones where HTTP clients tidy up). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatorWireTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private SimulatorServer sim;

  @BeforeEach
  void start() throws Exception {
    sim = SimulatorServer.builder().delay(JobDurations.fixed(Duration.ofMinutes(10))).build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static String jobOf(HttpResponse<String> r) {
    return (String) Http.json(r).get("job");
  }

  @Test
  void theDefaultJobIsAlsoReachableByItsId() {
    assertEquals(404, Http.get(sim.url("/status?job=default")).statusCode(),
        "the default job does not exist before the first GET /status");
    assertEquals(0, sim.jobCount());
    Map<String, Object> first = Http.json(Http.get(sim.url("/status")));
    assertEquals("default", first.get("job"));
    HttpResponse<String> byId = Http.get(sim.url("/status?job=default"));
    assertEquals(200, byId.statusCode(), byId.body());
    assertEquals(first, Http.json(byId), "the same job, not a second one");
    assertEquals(1, sim.jobCount());
    assertEquals(2, sim.statusRequests("default"));
    sim.complete("default", JobStatus.ERROR);
    assertEquals("error", Http.json(Http.get(sim.url("/status"))).get("status"));
  }

  @Test
  void idempotencyKeyOf1To255CharactersIsAccepted() {
    String longest = "k".repeat(255);
    HttpResponse<String> a = Http.post(sim.url("/jobs"), "", "Idempotency-Key", longest);
    assertEquals(201, a.statusCode(), a.body());
    HttpResponse<String> b = Http.post(sim.url("/jobs"), "{\"duration_ms\":5}", "Idempotency-Key", longest);
    assertEquals(201, b.statusCode(), b.body());
    assertEquals(jobOf(a), jobOf(b), "the same key returns the same job, whatever the (valid) body");
    HttpResponse<String> one = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "1");
    assertEquals(201, one.statusCode(), one.body());
    assertNotEquals(jobOf(a), jobOf(one));
    assertEquals(2, sim.jobCount());
  }

  @Test
  void idempotencyKeyOver255CharactersOrEmptyIs400AndCreatesNothing() throws Exception {
    HttpResponse<String> r = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "k".repeat(256));
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(((String) Http.json(r).get("error")).contains("Idempotency-Key"), r.body());
    // java.net.http refuses to send an empty header value: a raw request does.
    String empty = raw("POST /jobs HTTP/1.1\r\nHost: x\r\nIdempotency-Key: \r\nContent-Length: 0\r\n"
        + "Connection: close\r\n\r\n", new byte[0]).text;
    assertTrue(empty.startsWith("HTTP/1.1 400 "), empty);
    assertEquals(0, sim.jobCount());
  }

  @Test
  void aBadBodyIsRefusedEvenWithAKnownKeyAndDoesNotSpendANewOne() {
    String known = jobOf(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "known"));
    HttpResponse<String> bad = Http.post(sim.url("/jobs"), "{bad", "Idempotency-Key", "known");
    assertEquals(400, bad.statusCode(), "a malformed body is 400 before the key is looked at");
    HttpResponse<String> fresh = Http.post(sim.url("/jobs"), "{\"outcome\":\"x\"}", "Idempotency-Key", "fresh");
    assertEquals(400, fresh.statusCode(), fresh.body());
    assertEquals(1, sim.jobCount());
    HttpResponse<String> later = Http.post(sim.url("/jobs"), "", "Idempotency-Key", "fresh");
    assertEquals(201, later.statusCode(), later.body());
    assertNotEquals(known, jobOf(later), "the refused request did not claim the key");
    assertEquals(jobOf(Http.post(sim.url("/jobs"), "", "Idempotency-Key", "known")), known);
  }

  @Test
  void durationMsIsAcceptedUpTo30DaysExactly() {
    HttpResponse<String> max = Http.post(sim.url("/jobs"), "{\"duration_ms\":2592000000}");
    assertEquals(201, max.statusCode(), max.body());
    assertEquals("pending", Http.json(max).get("status"));
    HttpResponse<String> over = Http.post(sim.url("/jobs"), "{\"duration_ms\":2592000001}");
    assertEquals(400, over.statusCode(), over.body());
    assertTrue(((String) Http.json(over).get("error")).contains("2592000000"), over.body());
    assertEquals(1, sim.jobCount());
  }

  @Test
  void repeatedAndExtraQueryParameters() {
    String id = sim.submit();
    String a = "/status?job=" + id;
    assertEquals(400, Http.get(sim.url(a + "&job=" + id)).statusCode(), "two job parameters, even equal");
    HttpResponse<String> two = Http.get(sim.url(a + "&job=other"));
    assertEquals(400, two.statusCode());
    assertEquals("more than one job parameter", Http.json(two).get("error"));
    for (String q : List.of("x=1&job=" + id + "&x=2", "job=" + id + "&", "&&job=" + id,
        "job=" + id.replace("_", "%5F"), "y&job=" + id)) {
      HttpResponse<String> r = Http.get(sim.url("/status?" + q));
      assertEquals(200, r.statusCode(), q + ": " + r.body());
      assertEquals(id, Http.json(r).get("job"), q);
    }
    assertEquals(0, sim.statusRequests("default"), "no form of the query fell back to the default job");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/jobs", "/register-webhook"})
  void bodyOver64KiBIs413AndClosesTheConnection(String path) throws Exception {
    byte[] body = new byte[70_000];
    java.util.Arrays.fill(body, (byte) 'a');
    // Keep-alive requested: the server must close anyway, as it did not read the whole body.
    Raw r = raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + body.length + "\r\n\r\n", body);
    assertTrue(r.text.startsWith("HTTP/1.1 413 "), r.text);
    assertTrue(r.text.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), r.text);
    assertTrue(r.closed, "the connection stayed open after 413");
    assertEquals(0, sim.jobCount());
    assertEquals(0, sim.webhookCount());
  }

  @Test
  void deletingARegistrationStopsItsRetries() throws Exception {
    SimulatorServer s = SimulatorServer.builder()
        .webhookRetries(List.of(Duration.ZERO, Duration.ZERO, Duration.ZERO)).build().start();
    try (HoldingReceiver receiver = new HoldingReceiver(500)) {
      String wh = (String) Http.json(
          Http.post(s.url("/register-webhook"), "{\"url\":\"" + receiver.url() + "\"}")).get("webhook");
      s.submit(Duration.ZERO, JobStatus.COMPLETED);
      assertTrue(receiver.awaitFirst(WAIT), "no first attempt");
      receiver.next(Duration.ZERO);
      // The first attempt is held unanswered while we delete; it then fails with 500, and
      // without the delete the next attempt would follow at once (retry delay 0).
      assertEquals(204, Http.delete(s.url("/webhooks/" + wh)).statusCode());
      receiver.release();
      WebhookDelivery first = s.takeDelivery(WAIT).orElseThrow();
      assertEquals(1, first.attempt());
      assertEquals(500, first.statusCode());
      // A retry would be sent by the same thread right after that record, at once: a second
      // has room for it on a loaded machine.
      assertEquals(null, receiver.next(Duration.ofSeconds(1)), "a deleted registration was retried");
      s.close();
      // close() lets attempts in flight finish first, so a late retry would be counted here.
      assertEquals(null, receiver.next(Duration.ZERO), "a deleted registration was retried");
      assertTrue(s.takeDelivery(Duration.ZERO).isEmpty(), "a deleted registration was retried");
    } finally {
      s.close();
    }
  }

  // ---- helpers ----

  /** What a raw HTTP exchange got back: the text up to EOF (or a 5 s lull), and whether EOF came. */
  private record Raw(String text, boolean closed) {}

  private Raw raw(String head, byte[] body) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(head.getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      boolean closed;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          got.write(buf, 0, n);
        }
        closed = true;
      } catch (SocketTimeoutException stillOpen) {
        closed = false;
      }
      return new Raw(got.toString(StandardCharsets.ISO_8859_1), closed);
    }
  }

  /** A webhook receiver that holds the first request until released, then answers {@code code}. */
  private static final class HoldingReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4, Threads.daemon("test-holding"));
    private final CountDownLatch first = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final BlockingQueue<String> got = new LinkedBlockingQueue<>();

    HoldingReceiver(int code) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
      server.setExecutor(pool);
      server.createContext("/", ex -> {
        try (ex) {
          got.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          first.countDown();
          release.await();
          ex.sendResponseHeaders(code, -1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    boolean awaitFirst(Duration d) throws InterruptedException {
      return first.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    void release() {
      release.countDown();
    }

    /** The body of the next request after the first, or null if none comes within {@code d}. */
    String next(Duration d) throws InterruptedException {
      return got.poll(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
      release();
      server.stop(0);
      pool.shutdownNow();
    }
  }
}
