package io.vtstatus.internal.bench;

import io.vtstatus.JobStatus;
import io.vtstatus.simulator.SimulatorServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

/**
 * The simulator of the held-reads run, in a JVM of its own: each held read is one open socket
 * on each side, and one process cannot hold both ends of 10,000 under a 20,000 file limit. Driven
 * over stdin/stdout, one line each way:
 *
 * <ul>
 *   <li>it prints {@code url URL} once started (holding reads up to {@code args[0]} seconds);
 *   <li>{@code jobs N LO_MS HI_MS SEED}: creates N jobs, durations uniform in [LO, HI], answers
 *       {@code ids ID:END,ID:END,...}, END the {@code System.nanoTime()} the job ends at (on
 *       Linux both JVMs read the same monotonic clock);
 *   <li>{@code stats}: answers {@code stats HELD SIM_THREADS THREADS PEAK_THREADS REQUESTS}
 *       (reads held now, threads named {@code vtstatus-sim…}, every thread of this JVM, the
 *       JVM's peak, status requests so far);
 *   <li>{@code quit} (or the end of stdin): closes the simulator and exits.
 * </ul>
 */
public final class HeldSimulator {
  private HeldSimulator() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    try (SimulatorServer sim = SimulatorServer.builder()
        .maxWait(Duration.ofSeconds(Long.parseLong(args[0]))).build().start()) {
      out.println("url " + sim.url());
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        String[] w = line.trim().split(" ");
        if (w[0].equals("jobs")) {
          int n = Integer.parseInt(w[1]);
          long lo = Long.parseLong(w[2]);
          long hi = Long.parseLong(w[3]);
          Random rnd = new Random(Long.parseLong(w[4]));
          StringBuilder ids = new StringBuilder("ids ");
          for (int i = 0; i < n; i++) {
            long ms = lo + (long) (rnd.nextDouble() * (hi - lo));
            long created = System.nanoTime();
            String id = sim.submit(Duration.ofMillis(ms), JobStatus.COMPLETED);
            ids.append(i == 0 ? "" : ",").append(id).append(':').append(created + ms * 1_000_000);
          }
          out.println(ids);
        } else if (w[0].equals("stats")) {
          int simThreads = 0;
          int all = 0;
          for (Thread t : Thread.getAllStackTraces().keySet()) {
            all++;
            if (t.getName().startsWith("vtstatus-sim")) {
              simThreads++;
            }
          }
          out.println("stats " + sim.heldReads() + " " + simThreads + " " + all + " "
              + mx.getPeakThreadCount() + " " + sim.requestCount());
        } else if (w[0].equals("quit")) {
          break;
        } else {
          out.println("error unknown command " + w[0]);
        }
      }
    }
  }
}
