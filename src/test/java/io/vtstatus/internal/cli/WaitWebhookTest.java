package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobListener;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wait --protocol NAME --webhook-port N}: listens for that API's deliveries, verified with
 * {@code --webhook-secret} or {@code --webhook-header}, or as hints.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitWebhookTest {
  private static final String KEY = "r8_cliWebhookKey4321";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Stderr, line by line, for a test to wait on. */
  private static final class Lines extends OutputStream {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        lines.add(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else {
        line.write(b);
      }
    }

    String await(String containing) throws InterruptedException {
      while (true) {
        String l = lines.poll(20, TimeUnit.SECONDS);
        if (l == null || l.contains(containing)) {
          return l;
        }
      }
    }
  }

  private String send(HttpRequest.Builder r) throws Exception {
    HttpResponse<String> a = http.send(r.header("Authorization", "Bearer " + KEY).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, a.statusCode(), a.body());
    return a.body();
  }

  @Test
  void waitsForReplicatesSignedWebhookOnItsOwnPort() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().protocol(JobProtocol.replicate())
        .apiKey(KEY).build().start()) {
      Matcher k = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(
          send(HttpRequest.newBuilder(sim.url("/v1/webhooks/default/secret"))));
      assertTrue(k.find());
      String secret = k.group(1);
      String job = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      Lines err = new Lines();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> WaitCommand.run(
          new String[] {"--server", sim.url().toString(), "--protocol", "replicate", "--job", job,
              "--header", "Authorization: env:TOKEN", "--webhook-port", "0",
              "--webhook-secret", "env:HOOK_SECRET", "--schedule", "fixed:60s", "--no-learn",
              "--json"},
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          new JobListener() {}, Map.of("TOKEN", "Bearer " + KEY, "HOOK_SECRET", secret)::get));
      String listening = err.await("listening for webhooks at ");
      assertNotNull(listening, "wait says where it listens");
      String url = listening.substring(listening.indexOf("http://")).trim();
      // As Replicate takes the URL on create; the stand-in's own endpoint for an existing job.
      send(HttpRequest.newBuilder(sim.url("/register-webhook")).POST(HttpRequest.BodyPublishers
          .ofString("{\"url\":\"" + url + "\",\"job\":\"" + job + "\",\"secret\":\"" + secret + "\"}")));
      assertNotNull(err.await("poll    " + job), "its first look");
      sim.complete(job, JobStatus.COMPLETED);
      assertEquals(WaitCommand.COMPLETED, code.get(30, TimeUnit.SECONDS));
      String json = out.toString(StandardCharsets.UTF_8);
      assertTrue(json.contains("\"detected_by\":\"webhook\""), json);
      assertTrue(json.contains("\"output\":\"https://simulator.vtstatus.invalid/outputs/" + job + "\""), json);
      assertFalse(json.contains(secret) || json.contains(KEY), json);
    }
  }
}
