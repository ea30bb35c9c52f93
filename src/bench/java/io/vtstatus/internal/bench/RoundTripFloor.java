package io.vtstatus.internal.bench;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.internal.http.HttpClients;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.util.Threads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The floor the webhook path is held to: a bare JDK {@code HttpClient} POSTing a webhook-sized
 * body to a bare JDK {@code HttpServer} on loopback, one at a time, each answered 204. No
 * signing, parsing, queueing or thread hand-off: what any Java sender and receiver pay.
 */
public final class RoundTripFloor {
  /** About the size of the simulator's signed delivery body. */
  private static final byte[] BODY = ("{\"job\":\"job_0123456789abcdef\",\"result\":\"completed\","
      + "\"status\":\"completed\",\"updated_at\":\"2026-12-07T00:00:00.000Z\"}")
      .getBytes(StandardCharsets.UTF_8);

  private RoundTripFloor() {}

  /** {@code n} round trips after {@code warmup} unmeasured ones; milliseconds, in order. */
  public static double[] measure(int n, int warmup) throws IOException, InterruptedException {
    return measure(n, warmup, 0);
  }

  /**
   * As {@link #measure(int, int)}, each round trip after {@code idleMillis} of sleep: the
   * threads on both sides parked, as a webhook finds them after a job's run (the back-to-back
   * floor finds them still awake).
   */
  public static double[] measure(int n, int warmup, long idleMillis)
      throws IOException, InterruptedException {
    // The JVM-wide settings the simulator and the listener run with (nodelay above all).
    HttpServers.tune();
    ExecutorService handler = Executors.newSingleThreadExecutor(Threads.daemon("vtstatus-bench-floor"));
    ExecutorService sender = Executors.newSingleThreadExecutor(Threads.daemon("vtstatus-bench-floor-client"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(handler);
    server.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(204, -1);
      }
    });
    Threads.startFromDaemon("vtstatus-bench-floor-start", server::start);
    HttpClient client = HttpClient.newBuilder().executor(sender).build();
    try {
      URI uri = URI.create("http://" + server.getAddress().getHostString() + ":"
          + server.getAddress().getPort() + "/hook");
      HttpRequest req = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(BODY)).build();
      double[] ms = new double[n];
      for (int i = -warmup; i < n; i++) {
        if (idleMillis > 0) {
          Thread.sleep(idleMillis);
        }
        long t0 = System.nanoTime();
        HttpResponse<Void> r = client.send(req, HttpResponse.BodyHandlers.discarding());
        long t1 = System.nanoTime();
        if (r.statusCode() != 204) {
          throw new IOException("floor: answered " + r.statusCode());
        }
        if (i >= 0) {
          ms[i] = (t1 - t0) / 1e6;
        }
      }
      return Arrays.copyOf(ms, n);
    } finally {
      HttpClients.shutdownNow(client);
      server.stop(0);
      handler.shutdownNow();
      sender.shutdownNow();
    }
  }
}
