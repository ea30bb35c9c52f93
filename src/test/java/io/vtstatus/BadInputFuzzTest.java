package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Thousands of seeded random and mutated requests against the webhook listener and every
 * simulator endpoint: no 5xx, no hang, and a refused request changes nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BadInputFuzzTest {
  static final long SEED = 20261128L;
  static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
  static final String JUNK = "{}[]\",:\\ \u0000\u001f\u00e9\u2028\ud83d\ude00-+.eE0123456789truefalsenull/%?&=#";
  /** Escapes a lax reader accepts: other scripts' digits, fullwidth letters, lone surrogates. */
  static final String[] LOOSE_ESCAPES = {"\\u\u0660\u0660\u0664\uff21", "\\u00\uff14A",
      "\\ud800", "\\udfff", "\\ud83d\\u0041", "\\ude00\\ud83d", "\\u004"};
  /** Byte sequences that are not UTF-8: bad lead bytes, overlong, encoded surrogate, truncated. */
  static final byte[][] BAD_UTF8 = {{(byte) 0xff}, {(byte) 0xc0, (byte) 0xaf},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xc3}, {(byte) 0x80},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};

  private final Random rnd = new Random(SEED);
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private String mutate(String s) {
    StringBuilder b = new StringBuilder(s);
    int n = 1 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      int op = rnd.nextInt(8);
      int at = b.length() == 0 ? 0 : rnd.nextInt(b.length());
      switch (op) {
        case 0: b.insert(at, JUNK.charAt(rnd.nextInt(JUNK.length()))); break;
        case 1: if (b.length() > 0) b.deleteCharAt(at); break;
        case 2: b.setLength(at); break;
        case 3: if (b.length() > 0) b.setCharAt(at, JUNK.charAt(rnd.nextInt(JUNK.length()))); break;
        case 4: b.insert(at, "[".repeat(1 + rnd.nextInt(200))); break;
        case 5: b.insert(at, "1e" + rnd.nextInt(100000)); break;
        case 6: b.insert(at, LOOSE_ESCAPES[rnd.nextInt(LOOSE_ESCAPES.length)]); break;
        default: b.append(b, 0, Math.min(b.length(), 100)); break;
      }
    }
    return b.toString();
  }

  private String body(List<String> valid) {
    int k = rnd.nextInt(10);
    if (k == 0) {
      return "";
    }
    if (k == 1) {
      StringBuilder b = new StringBuilder();
      int len = rnd.nextInt(300);
      for (int i = 0; i < len; i++) {
        b.append((char) rnd.nextInt(0x3000));
      }
      return b.toString();
    }
    String base = valid.get(rnd.nextInt(valid.size()));
    return k < 4 ? base : mutate(base);
  }

  /** Set by a test whose target answers invalid UTF-8 with a 400 (the simulator). */
  private boolean badUtf8;

  /** {@code body} as UTF-8 with one of {@link #BAD_UTF8} spliced in somewhere. */
  private byte[] withBadUtf8(String body) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    byte[] bad = BAD_UTF8[rnd.nextInt(BAD_UTF8.length)];
    int at = rnd.nextInt(b.length + 1);
    byte[] out = new byte[b.length + bad.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(bad, 0, out, at, bad.length);
    System.arraycopy(b, at, out, at + bad.length, b.length - at);
    return out;
  }

  private HttpResponse<String> send(URI uri, String method, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .method(method, body.isEmpty() && rnd.nextBoolean() ? HttpRequest.BodyPublishers.noBody()
            : badUtf8 && rnd.nextInt(8) == 0
            ? HttpRequest.BodyPublishers.ofByteArray(withBadUtf8(body))
            : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(method + " " + uri + " (body " + body.length() + " chars) got no answer: " + e, e);
    }
  }

  private Map<String, String> headers() {
    Map<String, String> h = new TreeMap<>();
    if (rnd.nextInt(3) == 0) {
      h.put("Content-Type", rnd.nextBoolean() ? "application/json" : mutate("text/plain"));
    }
    if (rnd.nextInt(4) == 0) {
      h.put("Idempotency-Key", mutate("key-" + rnd.nextInt(5)).replaceAll("[^\\x21-\\x7e]", "k"));
    }
    return h;
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void simulatorNeverAnswers5xxAndRefusedRequestsChangeNothing() throws Exception {
    badUtf8 = true;
    // Jobs never end and attempts are dropped: fuzzed registrations never send anything anywhere.
    try (SimulatorServer sim = SimulatorServer.builder().dropWebhooks(1.0)
        .delay(io.vtstatus.simulator.JobDurations.fixed(Duration.ofHours(1))).build().start()) {
      String known = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      List<String> bodies = List.of(
          "{\"duration_ms\":3600000,\"outcome\":\"error\"}",
          "{\"url\":\"http://127.0.0.1:1/hook\",\"job\":\"" + known + "\"}",
          "{\"url\":\"http://127.0.0.1:1/hook\",\"secret\":\"whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==\"}",
          "{}");
      String[] paths = {"/status", "/status?job=" + known, "/status?job=", "/status?job=" + encode("a b"),
          "/jobs", "/register-webhook", "/webhooks/wh_nope", "/health", "/", "/status/../jobs",
          "/%00", "/" + "x".repeat(3000), "/status?job=" + "a".repeat(129), "/status?job=x&job=y"};
      Map<Integer, Integer> codes = new TreeMap<>();
      for (int i = 0; i < 2500; i++) {
        // Paths stay printable ASCII: anything else the client library refuses before sending.
        String path = rnd.nextInt(5) == 0
            ? mutate(paths[rnd.nextInt(paths.length)]).replaceAll("[^\\x21-\\x7e]", "x")
            : paths[rnd.nextInt(paths.length)];
        URI uri;
        try {
          uri = URI.create(sim.url() + (path.startsWith("/") ? path : "/" + path));
        } catch (IllegalArgumentException notAUri) {
          continue;
        }
        String method = rnd.nextBoolean() ? METHODS[rnd.nextInt(METHODS.length)]
            : path.startsWith("/jobs") || path.startsWith("/register") ? "POST"
            : path.startsWith("/webhooks") ? "DELETE" : "GET";
        int jobs = sim.jobCount();
        int hooks = sim.webhookCount();
        HttpResponse<String> r;
        try {
          r = send(uri, method, body(bodies), headers());
        } catch (IllegalArgumentException rejectedByClient) {
          continue;
        }
        codes.merge(r.statusCode(), 1, Integer::sum);
        assertTrue(r.statusCode() < 500, method + " " + uri + " -> " + r.statusCode() + " " + r.body());
        if (r.statusCode() >= 400) {
          assertEquals(jobs, sim.jobCount(), "a refused " + method + " " + uri + " created a job");
          assertEquals(hooks, sim.webhookCount(), "a refused " + method + " " + uri + " changed webhooks");
          // The JDK server itself refuses request-URIs it cannot parse, in HTML, before any
          // handler of ours runs, and so a target like //jobs, which it reads as an authority
          // with an empty path that no context matches; every answer of ours is JSON.
          boolean jdkOwn = r.statusCode() == 400 && r.body().startsWith("<h1>400 Bad Request</h1>")
              || r.statusCode() == 404 && r.body().startsWith("<h1>404 Not Found</h1>No context found");
          if (!method.equals("HEAD") && !jdkOwn) {
            assertTrue(r.body().startsWith("{\"error\":"), method + " " + uri + ": not a JSON error: " + r.body());
          }
        }
      }
      assertEquals(java.util.Optional.of(JobStatus.PENDING), sim.status(known));
      System.out.println("simulator fuzz: answers by status " + codes);
      assertTrue(codes.keySet().containsAll(Set.of(200, 201, 400, 404, 405)), codes.toString());
      rawGarbage(sim.url());
    }
  }

  @Test
  void listenerNeverAnswers5xxAndForgeriesCompleteNothing() throws Exception {
    String secret = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
    try (SimulatorServer sim = SimulatorServer.builder().dropWebhooks(1.0).build().start();
         StatusClient client = StatusClient.builder(sim.url()).webhook(WebhookOptions.port(0).secret(secret))
             .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30))).build()) {
      List<String> ids = new ArrayList<>();
      List<CompletableFuture<JobResult>> watches = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
        ids.add(id);
        watches.add(client.watch(id, Duration.ofMinutes(5)));
      }
      URI url = client.webhookUrl().orElseThrow();
      WebhookSigner wrong = WebhookSigner.of("whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=");
      List<String> bodies = new ArrayList<>();
      for (String id : ids) {
        bodies.add("{\"job\":\"" + id + "\",\"result\":\"completed\",\"status\":\"completed\",\"updated_at\":\"" + Instant.now() + "\"}");
        bodies.add("{\"job\":\"" + id + "\",\"status\":\"error\"}");
      }
      Set<Integer> allowed = Set.of(202, 204, 400, 401, 404, 405, 413, 415);
      Map<Integer, Integer> codes = new TreeMap<>();
      for (int i = 0; i < 1500; i++) {
        String b = body(bodies);
        Map<String, String> h = headers();
        int sig = rnd.nextInt(4);
        long now = Instant.now().getEpochSecond();
        if (sig == 1) {
          h.put("webhook-id", "msg_" + rnd.nextInt(50));
          h.put("webhook-timestamp", Long.toString(now + rnd.nextInt(1200) - 600));
          h.put("webhook-signature", wrong.sign(h.get("webhook-id"), now, b));
        } else if (sig == 2) {
          h.put("webhook-id", mutate("msg_1").replaceAll("[^\\x21-\\x7e]", "m"));
          h.put("webhook-timestamp", mutate("" + now).replaceAll("[^\\x21-\\x7e]", "0"));
          h.put("webhook-signature", mutate("v1,AAAA").replaceAll("[^\\x20-\\x7e]", "A"));
        }
        String path = rnd.nextInt(6) == 0 ? "/" + mutate("webhook").replaceAll("[^a-z]", "") : url.getPath();
        String method = rnd.nextInt(5) == 0 ? METHODS[rnd.nextInt(METHODS.length)] : "POST";
        HttpResponse<String> r;
        try {
          r = send(url.resolve(path), method, b, h);
        } catch (IllegalArgumentException rejectedByClient) {
          continue;
        }
        codes.merge(r.statusCode(), 1, Integer::sum);
        assertTrue(allowed.contains(r.statusCode()), method + " " + path + " -> " + r.statusCode());
      }
      for (CompletableFuture<JobResult> w : watches) {
        assertFalse(w.isDone(), "a forged or unsigned webhook decided a job");
      }
      assertEquals(5, client.activeWatches());
      System.out.println("listener fuzz: answers by status " + codes);
      assertTrue(codes.keySet().containsAll(Set.of(202, 400, 401, 405)), codes.toString());
      rawGarbage(url);
    }
  }

  /** Raw bytes that are not HTTP at all: the server must answer or hang up, never hang. */
  private void rawGarbage(URI server) throws IOException {
    for (int i = 0; i < 200; i++) {
      byte[] junk = new byte[rnd.nextInt(2048)];
      rnd.nextBytes(junk);
      if (rnd.nextBoolean()) {
        byte[] head = ("POST /jobs HTTP/1.1\r\nContent-Length: " + rnd.nextInt(10) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, junk, 0, Math.min(head.length, junk.length));
      }
      try (Socket s = new Socket(server.getHost(), server.getPort())) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(junk);
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
          while (in.read(buf) >= 0) {
            // read until the server hangs up
          }
        } catch (SocketTimeoutException e) {
          fail("server hung on raw input #" + i);
        } catch (IOException reset) {
          // a reset is an answer too
        }
      }
    }
  }
}
