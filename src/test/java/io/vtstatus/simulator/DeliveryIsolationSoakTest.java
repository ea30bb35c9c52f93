package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.util.Threads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opt-in ({@code make soak}): the figures behind docs/RELIABILITY.md's delivery isolation table.
 * One healthy receiver and 40 jobs, alone and next to 24 hostile receivers registered for every
 * job, with the default 5 s attempt timeout; the healthy receiver's delay from job end to
 * receipt, side by side in one run: each scenario runs in every round ({@code -Drounds=3}), the
 * table shows the median over rounds of each round's p50, p99 and max.
 */
@Tag("soak")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DeliveryIsolationSoakTest {
  private static final int JOBS = 40;

  /** A healthy receiver noting when each job's event arrived. */
  private static final class Healthy implements AutoCloseable {
    final Map<String, Long> arrived = new ConcurrentHashMap<>();
    final CountDownLatch all = new CountDownLatch(JOBS);
    final ExecutorService ex = Executors.newFixedThreadPool(4, Threads.daemon("test-healthy"));
    final HttpServer server;

    Healthy() throws Exception {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
      server.setExecutor(ex);
      server.createContext("/", x -> {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        long now = System.nanoTime();
        x.sendResponseHeaders(204, -1);
        x.close();
        String job = (String) Http.json(body).get("job");
        if (arrived.putIfAbsent(job, now) == null) {
          all.countDown();
        }
      });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    @Override
    public void close() {
      server.stop(0);
      ex.shutdownNow();
    }
  }

  /** One scenario once: the healthy receiver's delays (ms, in job order) and the hostile side. */
  private record Run(double[] ms, int got, String hostile) {}

  private static Run run(StallingReceivers.Mode hostile, boolean burst) throws Exception {
    ScheduledExecutorService pacer =
        Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-pacer"));
    try (Healthy healthy = new Healthy();
        StallingReceivers bad = hostile == null ? null : new StallingReceivers(24, hostile);
        SimulatorServer sim = SimulatorServer.builder().build().start()) {
      if (bad != null) {
        for (URI u : bad.urls()) {
          assertEquals(200, Http.post(sim.url("/register-webhook"), "{\"url\":\"" + u + "\"}").statusCode());
        }
      }
      assertEquals(200, Http.post(sim.url("/register-webhook"), "{\"url\":\"" + healthy.url() + "\"}")
          .statusCode());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        ids.add(sim.submit(Duration.ofHours(1), JobStatus.COMPLETED));
      }
      long[] ended = new long[JOBS];
      for (int i = 0; i < JOBS; i++) {
        int k = i;
        // Burst: all end at once. Spaced: one every 50 ms (pacing, not synchronization).
        pacer.schedule(() -> {
          ended[k] = System.nanoTime();
          sim.complete(ids.get(k), JobStatus.COMPLETED);
        }, burst ? 0 : 50L * i, TimeUnit.MILLISECONDS);
      }
      boolean complete = healthy.all.await(60, TimeUnit.SECONDS);
      double[] ms = new double[JOBS];
      int got = 0;
      for (int i = 0; i < JOBS; i++) {
        Long at = healthy.arrived.get(ids.get(i));
        ms[i] = at == null ? Double.NaN : (at - ended[i]) / 1e6;
        got += at == null ? 0 : 1;
      }
      assertEquals(true, complete, "healthy got " + got + " of " + JOBS);
      return new Run(ms, got, bad == null ? "-"
          : bad.answered() + " requests read, " + bad.open() + " connections open");
    } finally {
      pacer.shutdownNow();
    }
  }

  private static double pct(double[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(sorted.length * p) - 1)];
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  @Test
  void healthyReceiverKeepsItsDelayNextToStalledOnes() throws Exception {
    HttpServers.tune(); // before the test's own HttpServers: no Nagle stall in our receiver
    int rounds = Integer.getInteger("rounds", 3);
    String[] names = {"healthy alone", "+ 24 that stall after headers", "+ 24 that trickle the body",
        "+ 24 that never answer"};
    StallingReceivers.Mode[] modes = {null, StallingReceivers.Mode.HEADERS_THEN_STALL,
        StallingReceivers.Mode.TRICKLE, StallingReceivers.Mode.NO_ANSWER};
    List<String> rows = new ArrayList<>();
    for (boolean burst : new boolean[] {false, true}) {
      List<List<Double>> p50 = new ArrayList<>();
      List<List<Double>> p99 = new ArrayList<>();
      List<List<Double>> max = new ArrayList<>();
      String[] hostile = new String[modes.length];
      int[] got = new int[modes.length];
      for (int m = 0; m < modes.length; m++) {
        p50.add(new ArrayList<>());
        p99.add(new ArrayList<>());
        max.add(new ArrayList<>());
      }
      // Scenarios interleaved within each round, so machine noise falls on all alike.
      for (int r = 0; r < rounds; r++) {
        for (int m = 0; m < modes.length; m++) {
          Run run = run(modes[m], burst);
          double[] sorted = Arrays.stream(run.ms()).sorted().toArray();
          p50.get(m).add(pct(sorted, 0.5));
          p99.get(m).add(pct(sorted, 0.99));
          max.get(m).add(sorted[sorted.length - 1]);
          hostile[m] = run.hostile();
          got[m] += run.got();
        }
      }
      for (int m = 0; m < modes.length; m++) {
        rows.add(String.format(Locale.ROOT, "| %s | %s | %d/%d | %.1f | %.1f | %.1f | %s |", names[m],
            burst ? "all 40 at once" : "one every 50 ms", got[m], JOBS * rounds,
            median(p50.get(m)), median(p99.get(m)), median(max.get(m)), hostile[m]));
      }
    }
    System.out.println("| receivers | jobs end | healthy got (all rounds) | p50 ms | p99 ms | max ms | hostile side |");
    System.out.println("|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }
}
