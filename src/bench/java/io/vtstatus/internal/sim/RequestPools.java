package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A simulator for {@code src/bench/http.sh}, its requests on one of three executors, to measure what
 * each arrangement costs under {@code wrk}: {@code elastic} (what the simulator runs, {@link
 * HttpPool}), {@code fixed} (the same number of threads without the watchdog that adds one per
 * stuck exchange) or {@code direct} (each exchange on the server's dispatcher thread: no
 * hand-off, but one slow client stops everyone). Jobs take an hour, so a job made once stays
 * pending for the whole run.
 *
 * <p>{@code java -cp target/vtstatus-bench.jar io.vtstatus.internal.sim.RequestPools
 * elastic|fixed|direct PORT}; runs until killed.
 */
public final class RequestPools {
  private RequestPools() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: RequestPools elastic|fixed|direct PORT");
      System.exit(2);
    }
    Function<ScheduledExecutorService, ExecutorService> pool;
    switch (args[0]) {
      case "elastic":
        pool = s -> HttpPool.start(Simulator.HTTP_THREADS, HttpPool.MAX_THREADS,
            "vtstatus-sim-http", s);
        break;
      case "fixed":
        pool = s -> Executors.newFixedThreadPool(Simulator.HTTP_THREADS,
            Threads.daemon("vtstatus-sim-http"));
        break;
      case "direct":
        pool = s -> new Direct();
        break;
      default:
        throw new IllegalArgumentException("unknown arrangement: " + args[0]);
    }
    Duration none = Duration.ZERO;
    Config cfg = new Config("127.0.0.1", Integer.parseInt(args[1]),
        JobDurations.fixed(Duration.ofHours(1)), 0, false, 0, 0, none, none, 0, 0,
        List.of(Duration.ofSeconds(1)), Duration.ofSeconds(5), Duration.ofHours(1), 100_000,
        1_000, SimulatorServer.Signing.V1, Duration.ofHours(24), 1, Clock.systemUTC(),
        Optional.empty());
    Simulator.start(cfg, pool);
    System.err.println("RequestPools: " + args[0] + " on port " + args[1]);
    // The simulator's threads are daemons: this thread keeps the JVM up until it is killed.
    new CountDownLatch(1).await();
  }

  /** Runs each exchange on the calling (dispatcher) thread. */
  private static final class Direct extends AbstractExecutorService {
    private volatile boolean down;

    @Override
    public void execute(Runnable r) {
      if (down) {
        throw new RejectedExecutionException("closed");
      }
      r.run();
    }

    @Override
    public void shutdown() {
      down = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
      down = true;
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return down;
    }

    @Override
    public boolean isTerminated() {
      return down;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return down;
    }
  }
}
