package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.PollSchedule;
import io.vtstatus.ProtocolException;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.util.Threads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Strict JSON on the wire: a request body the simulator cannot read as well-formed UTF-8 JSON
 * gets a 400 that says why and changes nothing; a status body the client cannot read fails the
 * watch with a {@link ProtocolException} instead of being read as something else.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrictBodyTest {
  private static final String BS = "\\";

  private static HttpResponse<String> postBytes(URI uri, byte[] body) throws Exception {
    return Http.CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ff", "c0af", "eda080", "c3", "80"})
  void invalidUtf8RequestBodyIs400(String badBytes) throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      byte[] head = "{\"outcome\":\"error\",\"x\":\"".getBytes(StandardCharsets.US_ASCII);
      byte[] bad = HexFormat.of().parseHex(badBytes);
      byte[] body = new byte[head.length + bad.length + 2];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(bad, 0, body, head.length, bad.length);
      body[body.length - 2] = '"';
      body[body.length - 1] = '}';
      for (String path : new String[] {"/jobs", "/register-webhook"}) {
        HttpResponse<String> r = postBytes(sim.url(path), body);
        assertEquals(400, r.statusCode(), r.body());
        String error = (String) Http.json(r).get("error");
        assertTrue(error.contains("invalid UTF-8 at byte " + head.length), error);
      }
      assertEquals(0, sim.jobCount());
      assertEquals(0, sim.webhookCount());
      RecordedRequest rec = sim.takeRequest(Duration.ofSeconds(5)).orElseThrow();
      assertTrue(rec.body().contains("\uFFFD"), "recorded as sent, bad bytes visible: " + rec.body());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"u\u0660\u0660\u0664\uFF21", "ud800", "udc00", "ud83d" + BS + "u0041"})
  void looseEscapesAre400(String escape) throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      String body = "{\"url\":\"http://127.0.0.1:9/h\",\"job\":\"a" + BS + escape + "\"}";
      HttpResponse<String> r = Http.post(sim.url("/register-webhook"), body);
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(((String) Http.json(r).get("error")).startsWith("malformed JSON: "), r.body());
      assertEquals(0, sim.webhookCount());
    }
  }

  @Test
  void statusBodyWithLooseEscapesFailsTheWatch() throws Exception {
    // "\u0063ompleted" written with Arabic-Indic digits: a lax reader sees "completed".
    String answer = "{\"job\":\"j1\",\"status\":\"" + BS + "u\u0660\u0660\u0666\u0663ompleted\"}";
    ExecutorService ex = Executors.newSingleThreadExecutor(Threads.daemon("test-status"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(ex);
    server.createContext("/status", x -> {
      byte[] b = answer.getBytes(StandardCharsets.UTF_8);
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    server.start();
    try (StatusClient client = StatusClient.builder(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .webhook(WebhookOptions.disabled())
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(50))).build()) {
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
          () -> client.watch("j1", Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS));
      assertInstanceOf(ProtocolException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("ASCII hex"), e.getCause().getMessage());
    } finally {
      server.stop(0);
      ex.shutdownNow();
    }
  }

  @Test
  void listenerRefusesAWebhookBodyThatIsNotUtf8() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start();
        StatusClient client = StatusClient.builder(sim.url())
            .webhook(WebhookOptions.port(0))
            .pollSchedule(PollSchedule.fixed(Duration.ofMinutes(10))).build()) {
      String id = sim.submit(Duration.ofHours(1), io.vtstatus.JobStatus.COMPLETED);
      var watch = client.watch(id, Duration.ofMinutes(5));
      URI url = client.webhookUrl().orElseThrow();
      byte[] body = ("{\"job\":\"" + id + "\",\"status\":\"completed\",\"x\":\"\u00ff\"}")
          .getBytes(StandardCharsets.ISO_8859_1); // 0xFF alone: not UTF-8
      HttpResponse<String> r = postBytes(url, body);
      assertEquals(400, r.statusCode(), r.body());
      assertTrue(r.body().contains("invalid UTF-8 at byte"), r.body());
      assertEquals(1, client.activeWatches());
      assertTrue(!watch.isDone(), "a body we cannot read decided nothing");
    }
  }
}
