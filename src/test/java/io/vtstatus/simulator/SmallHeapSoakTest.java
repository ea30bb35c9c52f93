package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.cli.Main;
import io.vtstatus.internal.util.Threads;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opt-in ({@code make soak}): the simulator's memory stays bounded under floods. One run in a
 * separate {@code -Xmx64m} JVM (the CLI server, as users run it), one in-process run of a
 * million jobs watching the heap after each full collection.
 */
@Tag("soak")
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class SmallHeapSoakTest {
  private static final Pattern GC_AFTER = Pattern.compile("->(\\d+)M\\(");

  private final AtomicInteger retried = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .executor(Executors.newFixedThreadPool(2, Threads.daemon("test-soak-http")))
      .build();

  private HttpResponse<String> send(HttpRequest r) throws Exception {
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest post(URI u, String body) {
    return HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static HttpRequest get(URI u) {
    return HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(30)).GET().build();
  }

  /** Runs {@code n} requests from {@code threads} threads; returns the answers by status. */
  private Map<Integer, Integer> load(int n, int threads, java.util.function.IntFunction<HttpRequest> req)
      throws Exception {
    Map<Integer, Integer> codes = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, Threads.daemon("test-soak-load"));
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      all.add(CompletableFuture.runAsync(() -> {
        int i;
        while ((i = next.getAndIncrement()) < n && failed.get() == null) {
          for (int tries = 1; ; tries++) {
            try {
              codes.merge(send(req.apply(i)).statusCode(), 1, Integer::sum);
              break;
            } catch (java.io.IOException e) {
              // The JDK client now and then reuses a keep-alive connection the server has just
              // closed ("connection closed locally"); that is the client's race, not the server
              // failing. Counted and retried; a server that stopped answering fails all three.
              retried.incrementAndGet();
              if (tries == 3) {
                failed.compareAndSet(null, e);
                break;
              }
            } catch (Exception e) {
              failed.compareAndSet(null, e);
              break;
            }
          }
        }
      }, pool));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
    pool.shutdown();
    if (failed.get() != null) {
      throw new AssertionError("a request failed", failed.get());
    }
    return new TreeMap<>(codes);
  }

  @Test
  void cliServerOn64MiBSurvivesBodyAndJobFloods() throws Exception {
    Path classes = Paths.get(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    String java = ProcessHandle.current().info().command().orElse("java");
    Path gcLog = Files.createTempFile("vtstatus-soak-gc", ".log");
    Process p = new ProcessBuilder(java, "-Xmx64m", "-Xlog:gc:file=" + gcLog, "-cp",
        classes.toString(), "io.vtstatus.internal.cli.Main", "server", "--port", "0",
        "--delay", "1h").redirectErrorStream(true).start();
    List<String> errors = new ArrayList<>();
    CountDownLatch up = new CountDownLatch(1);
    AtomicReference<URI> base = new AtomicReference<>();
    Thread drain = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = Pattern.compile("listening on (http://\\S+)").matcher(line);
          if (m.find()) {
            base.set(URI.create(m.group(1)));
            up.countDown();
          }
          if (line.contains("Error") || line.contains("Exception")) {
            synchronized (errors) {
              errors.add(line);
            }
          }
        }
      } catch (java.io.IOException ended) {
        // the process is gone
      }
    }, "test-soak-drain");
    drain.setDaemon(true);
    drain.start();
    try {
      assertTrue(up.await(60, TimeUnit.SECONDS), "the server did not start");
      URI jobs = URI.create(base.get() + "/jobs");
      // 1,500 bodies of 60 KB: the old simulator recorded them all and died after ~870.
      String pad = "x".repeat(60_000);
      long t0 = System.nanoTime();
      Map<Integer, Integer> big = load(1_500, 4,
          i -> post(jobs, "{\"duration_ms\":1,\"pad\":\"" + pad + "\"}"));
      // 30,000 one-millisecond jobs: all end at once and stay readable for the retention.
      Map<Integer, Integer> small = load(30_000, 4, i -> post(jobs, "{\"duration_ms\":1}"));
      double secs = (System.nanoTime() - t0) / 1e9;
      assertEquals(Map.of(201, 1_500), big);
      assertEquals(Map.of(201, 30_000), small);

      assertEquals(200, send(get(URI.create(base.get() + "/health"))).statusCode());
      HttpResponse<String> fresh = send(post(jobs, ""));
      assertEquals(201, fresh.statusCode(), fresh.body());
      String id = (String) Http.json(fresh).get("job");
      assertEquals(200, send(get(URI.create(base.get() + "/status?job=" + id))).statusCode());
      assertTrue(p.isAlive());
      synchronized (errors) {
        assertEquals(List.of(), errors);
      }
      int maxAfterGc = 0;
      int collections = 0;
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_AFTER.matcher(line);
        if (m.find()) {
          collections++;
          maxAfterGc = Math.max(maxAfterGc, Integer.parseInt(m.group(1)));
        }
      }
      System.out.printf("small heap: -Xmx64m server took 1,500 x 60 KB + 30,000 jobs in %.1f s"
          + " (%d client retries); %d collections, heap after GC at most %d MiB; /health and a"
          + " new job answer%n", secs, retried.get(), collections, maxAfterGc);
      assertTrue(maxAfterGc < 64, "heap after GC " + maxAfterGc + " MiB");
    } finally {
      p.destroy();
      assertTrue(p.waitFor(30, TimeUnit.SECONDS) || !p.destroyForcibly().isAlive());
      Files.deleteIfExists(gcLog);
    }
  }

  @Test
  void aMillionJobsKeepTheHeapFlat() throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    int n = 1_000_000;
    int step = 100_000;
    List<Long> heapMiB = new ArrayList<>();
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      long t0 = System.nanoTime();
      for (int i = 1; i <= n; i++) {
        String id = sim.submit(Duration.ZERO, io.vtstatus.JobStatus.COMPLETED);
        // Ends it now (a due job ends when it is looked at), as a client's first poll would.
        assertFalse(sim.status(id).isEmpty());
        if (i % step == 0) {
          System.gc();
          long used = mem.getHeapMemoryUsage().getUsed() >> 20;
          heapMiB.add(used);
          assertTrue(sim.jobCount() <= 100_000, "jobs held " + sim.jobCount());
        }
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("million: %d jobs in %.1f s; %d held, %d removed; heap after GC every"
          + " %,d jobs (MiB): %s%n", n, secs, sim.jobCount(), sim.removedJobCount(), step, heapMiB);
      assertEquals(100_000, sim.jobCount());
      assertEquals(n - 100_000, sim.removedJobCount());
      // Flat once the store is full (after the first 100,000): no later checkpoint above the
      // first full one by more than a few MiB of noise.
      long atFull = heapMiB.get(0);
      for (long h : heapMiB) {
        assertTrue(h <= atFull + 16, "heap grew: " + heapMiB);
      }
    }
  }
}
