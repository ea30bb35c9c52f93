package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Recorder;
import io.vtstatus.testing.ThreadLeaks;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Opt-in ({@code make soak}): 10,000 jobs under 30% 503s and 50% dropped webhooks. */
@Tag("soak")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SoakTest {
  @Test
  void tenThousandJobsUnderFaultsResolveExactlyOnce() throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    int n = 10_000;
    Recorder rec = new Recorder();
    long t0 = System.nanoTime();
    try (SimulatorServer sim = SimulatorServer.builder().seed(10_000).errorRate(0.3).failRate(0.3)
            .dropWebhooks(0.5).delay(JobDurations.uniform(Duration.ofSeconds(1), Duration.ofSeconds(10)))
            .build().start();
         StatusClient client = StatusClient.builder(sim.url()).listener(rec).timeout(Duration.ofMinutes(5)).build()) {
      assertEquals("ok", rec.awaitRegistration(Duration.ofSeconds(10)));
      Map<String, CompletableFuture<JobResult>> watches = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String id = sim.submit();
        watches.put(id, client.watch(id));
      }
      CompletableFuture.allOf(watches.values().toArray(new CompletableFuture<?>[0])).get(8, TimeUnit.MINUTES);
      int byHook = 0;
      for (Map.Entry<String, CompletableFuture<JobResult>> e : watches.entrySet()) {
        JobResult r = e.getValue().join();
        assertEquals(sim.status(e.getKey()).orElseThrow(), r.status(), e.getKey());
        assertEquals(1, rec.endings(e.getKey()), e.getKey());
        byHook += r.detectedBy() == DetectedBy.WEBHOOK ? 1 : 0;
      }
      System.out.printf("soak: %d jobs in %.1f s, lost 0, duplicated 0, %d by webhook, %.2f polls/job%n",
          n, (System.nanoTime() - t0) / 1e9, byHook, rec.polls.get() / (double) n);
    }
    leaks.assertNoNewThreads();
  }
}
