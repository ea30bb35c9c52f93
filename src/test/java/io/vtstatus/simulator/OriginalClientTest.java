package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.internal.util.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The original Go client's exchange, byte for byte where it matters: its {@code registerWebhook}
 * sends {@code {"url":"http://localhost:PORT/webhook"}} and accepts exactly {@code 200} (the body
 * is ignored); its listener decodes the webhook into a map of strings and answers 200; its
 * poller reads {@code status} from the job-less {@code GET /status}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OriginalClientTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The request Go's {@code http.Post(url, "application/json", body)} writes. */
  private static String goPost(URI server, String path, String body) {
    return "POST " + path + " HTTP/1.1\r\n"
        + "Host: " + server.getHost() + ":" + server.getPort() + "\r\n"
        + "User-Agent: Go-http-client/1.1\r\n"
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Accept-Encoding: gzip\r\n"
        + "\r\n"
        + body;
  }

  /** Sends {@code request} on a fresh connection; returns the status line and the rest. */
  private static String[] exchange(URI server, String request) throws IOException {
    try (Socket s = new Socket(server.getHost(), server.getPort())) {
      s.setSoTimeout((int) WAIT.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.UTF_8));
      out.flush();
      s.shutdownOutput();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int eol = text.indexOf("\r\n");
      return new String[] {eol < 0 ? text : text.substring(0, eol), text};
    }
  }

  /** A webhook listener that behaves like the original: a map of strings or a 400. */
  private static final class GoListener implements AutoCloseable {
    final BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
    final ExecutorService executor = Executors.newSingleThreadExecutor(Threads.daemon("test-go-listener"));
    final HttpServer server;

    GoListener() throws IOException {
      // "localhost" as the original registers it, bound where the simulator will resolve it.
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 16);
      server.setExecutor(executor);
      server.createContext("/webhook", ex -> {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, Object> m;
        try {
          m = Http.json(body);
        } catch (AssertionError notJson) {
          m = null;
        }
        boolean allStrings = m != null && m.values().stream().allMatch(v -> v instanceof String);
        ex.sendResponseHeaders(allStrings ? 200 : 400, -1);
        ex.close();
        if (allStrings) {
          received.add(m);
        }
      });
      server.start();
    }

    String url() {
      return "http://localhost:" + server.getAddress().getPort() + "/webhook";
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  @Test
  void registrationAnswersExactly200AndTheJobEndsBothWays() throws Exception {
    try (GoListener listener = new GoListener();
        SimulatorServer sim = SimulatorServer.builder()
            .delay(JobDurations.fixed(Duration.ofSeconds(1))).build().start()) {
      String[] reg = exchange(sim.url(), goPost(sim.url(), "/register-webhook",
          "{\"url\":\"" + listener.url() + "\"}"));
      assertEquals("HTTP/1.1 200 OK", reg[0], "the original client accepts only 200:\n" + reg[1]);

      // Its poller's first GET /status creates the default job; the webhook then ends the race,
      // and a later poll agrees.
      assertEquals("pending", Http.json(Http.get(sim.url("/status"))).get("status"));
      Map<String, Object> hook = listener.received.poll(WAIT.toNanos(), TimeUnit.NANOSECONDS);
      assertTrue(hook != null, "no webhook within " + WAIT);
      assertEquals("completed", hook.get("status"));
      assertEquals("completed", Http.json(Http.get(sim.url("/status"))).get("status"));
      assertEquals("default", hook.get("job"));
    }
  }
}
