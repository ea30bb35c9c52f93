import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.StatusClient;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * What reading a large Replicate answer costs: a prediction of about 300 KB (its logs make such
 * answers normal), first the reader's work alone (strict UTF-8, JSON, the three pointers), then
 * whole waits through a client (one poll each: request, 300 KB body, read) beside the same waits
 * on a 1 KB answer. Five rounds; the median is printed.
 * Run: make jar && java -cp target/vtstatus.jar src/bench/programs/ProtocolCost.java
 */
public class ProtocolCost {
  static volatile Object sink;

  static String prediction(String logs) {
    return "{\"id\":\"gm3qorzdhgbfurvjtvhg6dckhu\",\"model\":\"acme/upscaler\",\"version\":\"5c7d5dc6\","
        + "\"urls\":{\"get\":\"https://api.replicate.com/v1/predictions/gm3qorzdhgbfurvjtvhg6dckhu\"},"
        + "\"created_at\":\"2026-12-01T10:00:00.000000Z\",\"status\":\"succeeded\","
        + "\"input\":{\"video\":\"https://example.com/in.mp4\"},"
        + "\"output\":[\"https://replicate.delivery/out-0.mp4\",\"https://replicate.delivery/out-1.mp4\"],"
        + "\"error\":null,\"logs\":\"" + logs + "\",\"metrics\":{\"predict_time\":81.5}}";
  }

  interface Op {
    void run() throws Exception;
  }

  static double micros(Op op, long millis) throws Exception {
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + millis * 1_000_000L;
    long now;
    do {
      op.run();
      n++;
      now = System.nanoTime();
    } while (now < end);
    return (now - t0) / 1000.0 / n;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  public static void main(String[] args) throws Exception {
    StringBuilder logs = new StringBuilder();
    for (int i = 0; logs.length() < 300_000; i++) {
      logs.append(String.format("frame %06d: encoded 1920x1080 in 12.3 ms, psnr 41.2 dB\\n", i));
    }
    byte[] big = prediction(logs.toString()).getBytes(StandardCharsets.UTF_8);
    byte[] small = prediction("a".repeat(500)).getBytes(StandardCharsets.UTF_8);
    JsonPointer status = JsonPointer.compile("/status");
    JsonPointer output = JsonPointer.compile("/output");
    JsonPointer error = JsonPointer.compile("/error");
    // Without it the JDK server's separate header and body writes meet delayed ACKs: 40 ms.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/predictions/", ex -> {
      byte[] body = ex.getRequestURI().getPath().endsWith("/big") ? big : small;
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    int rounds = 5;
    double[] read = new double[rounds];
    double[] waitBig = new double[rounds];
    double[] waitSmall = new double[rounds];
    try (StatusClient client = StatusClient.builder(url).protocol(JobProtocol.replicate())
        .header("Authorization", "Bearer r8_bench").pollSchedule(ctx -> ctx.polls() == 0 ? Duration.ZERO : Duration.ofSeconds(1))
        .build()) {
      Op reader = () -> {
        Object doc = Json.parse(Json.utf8(big), 1 << 20);
        sink = status.find(doc);
        sink = Json.write(output.find(doc));
        sink = error.find(doc);
      };
      for (int r = 0; r < rounds; r++) {
        read[r] = micros(reader, 1500);
        waitBig[r] = micros(() -> sink = client.await("big"), 1500);
        waitSmall[r] = micros(() -> sink = client.await("small"), 1500);
      }
      JobResult check = client.await("big");
      if (!check.output().orElse("").contains("out-1.mp4") || check.document().orElse("").length() != big.length) {
        throw new AssertionError("the client did not read the answer: " + check);
      }
    } finally {
      server.stop(0);
    }
    System.out.printf("answer: %d bytes (logs %d characters); small answer: %d bytes%n",
        big.length, logs.length(), small.length);
    System.out.printf("read (UTF-8, JSON, 3 pointers, output as JSON text): %.0f us  (%.0f MB/s)%n",
        median(read), big.length / median(read));
    System.out.printf("await, one poll, 300 KB answer: %.0f us;  1 KB answer: %.0f us%n",
        median(waitBig), median(waitSmall));
    System.out.printf("java %s, %d CPUs%n", System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
  }
}
