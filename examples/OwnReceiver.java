import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.simulator.SimulatorServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Receive webhooks in a server of your own (no StatusClient): register it with the simulator,
 * which signs with both schemes, and verify each delivery with the v1 secret and, separately,
 * with the v1a public key from the registration answer.
 */
public class OwnReceiver {
  public static void main(String[] args) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (SimulatorServer sim = SimulatorServer.builder()
        .signing(SimulatorServer.Signing.BOTH).build().start()) {
      URI hook = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> registered = http.send(
          HttpRequest.newBuilder(sim.url("/register-webhook"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + hook + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      // The answer: {"webhook":"wh_…","secret":"whsec_…","public_key":"whpk_…"}
      WebhookVerifier v1 = WebhookVerifier.of(field(registered.body(), "secret"));
      WebhookVerifier v1a = WebhookVerifier.of(field(registered.body(), "public_key"));

      BlockingQueue<String> verified = new ArrayBlockingQueue<>(10);
      server.createContext("/hooks", exchange -> {
        try (exchange) {
          byte[] body = exchange.getRequestBody().readNBytes(64 * 1024);
          try {
            v1.verify(exchange.getRequestHeaders(), body);
            v1a.verify(exchange.getRequestHeaders(), body);
          } catch (WebhookVerificationException e) {
            exchange.sendResponseHeaders(401, -1);
            return;
          }
          exchange.sendResponseHeaders(204, -1);
          verified.add(new String(body, StandardCharsets.UTF_8));
        }
      });
      server.start();

      String job = sim.submit(Duration.ofMillis(200), JobStatus.COMPLETED);
      String event = verified.poll(30, TimeUnit.SECONDS);
      System.out.println(event == null ? "no delivery"
          : "job " + job + ": " + field(event, "status") + ", verified by v1 and by v1a");
    } finally {
      server.stop(0);
    }
  }

  /** One string field of a flat JSON object (enough for these answers; use a JSON library). */
  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no " + name + " in " + json);
    }
    return m.group(1);
  }
}
