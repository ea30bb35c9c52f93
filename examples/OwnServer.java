import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.simulator.SimulatorServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receive Replicate's webhooks in the HTTP server your service already runs: one port serves
 * the application's own route and {@code /hooks/replicate}, which hands each delivery to {@link
 * StatusClient#acceptWebhook}. No second port, no listener of the client's, nothing registered
 * by the client: the webhook URL goes with the prediction when it is created, as Replicate's API
 * takes it. The simulator stands in for api.replicate.com on a free loopback port.
 */
public class OwnServer {
  private static final String TOKEN = "r8_local_stand_in";

  public static void main(String[] args) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (SimulatorServer replicate = SimulatorServer.builder()
        .protocol(JobProtocol.replicate())
        .apiKey(TOKEN)
        .build()
        .start()) {
      // Replicate signs every webhook of the account with one secret (Standard Webhooks).
      String secret = field(send(http, HttpRequest.newBuilder(
          replicate.url("/v1/webhooks/default/secret")).GET()), "key");
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      try (StatusClient client = StatusClient.builder(replicate.url())
          .protocol(JobProtocol.replicate())
          .header("Authorization", "Bearer " + TOKEN)
          .webhook(WebhookOptions.inbound().secret(secret))
          .build()) {
        server.createContext("/app", exchange -> {
          byte[] hello = "the application's own route\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, hello.length);
          exchange.getResponseBody().write(hello);
          exchange.close();
        });
        server.createContext("/hooks/replicate", exchange -> {
          // Bounded: the client answers 413 for anything over its maxBodySize (1 MiB here).
          byte[] body = exchange.getRequestBody().readNBytes((1 << 20) + 1);
          int status = client.acceptWebhook(exchange.getRequestHeaders(), body);
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        URI hooks = URI.create("http://127.0.0.1:" + port + "/hooks/replicate");
        // Creating the prediction (the stand-in's POST /jobs) with its webhook URL.
        String created = send(http, HttpRequest.newBuilder(replicate.url("/jobs"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"duration_ms\":1500,"
                + "\"outcome\":\"completed\",\"webhook\":\"" + hooks + "\"}")));
        JobResult r = client.await(field(created, "id"));
        String app = send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/app")));
        System.out.println("prediction " + r.jobId() + " " + r.status() + " via " + r.detectedBy()
            + ", on the app's own port " + port + (app.isEmpty() ? "" : " beside /app") + ": "
            + r.output().orElse("(no output)"));
      } finally {
        server.stop(0);
      }
    }
  }

  private static String send(HttpClient http, HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(request + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }

  /** A string field of a small JSON answer (an example needs no JSON library for this). */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no \"" + name + "\" in " + json);
    }
    return m.group(1);
  }
}
