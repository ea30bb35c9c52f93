package io.vtstatus.internal.sim;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The simulator's request threads: a few, plus one for each exchange that is stuck.
 *
 * <p>{@code com.sun.net.httpserver} reads a request's line and headers with blocking reads on
 * the executor's thread, so a client that sends half a request holds that thread until the
 * server's request-time limit (10 s by default). With a fixed pool, as many such clients as
 * threads stopped the simulator for everyone (measured: 8 of them delayed {@code /health} by
 * 10.5 s). Running more threads all the time costs throughput on 2 cores (a pool that started a
 * thread whenever none was idle used twice the CPU per request). So the pool keeps {@code base}
 * threads and a watchdog on the scheduler adds one for each thread busy with one exchange for
 * longer than {@value #STUCK_MILLIS} ms (no exchange of ours takes that long unless its client
 * is slow), up to {@code max}, and gives them back when those exchanges end.
 */
final class HttpPool extends ThreadPoolExecutor {
  // Long enough that a thread merely waiting for a CPU on a loaded 2-core machine (tens of ms)
  // does not count as stuck; short enough that a stalled client costs others a blink.
  static final long STUCK_MILLIS = 200;
  static final long CHECK_MILLIS = 25;
  static final int MAX_THREADS = 256;
  /** A worker that says since when it has been busy with its current exchange (0: idle). */
  private static final class Worker extends Thread {
    volatile long busySince;
    private final CopyOnWriteArrayList<Worker> all;

    Worker(Runnable r, String name, CopyOnWriteArrayList<Worker> all) {
      super(r, name);
      this.all = all;
      setDaemon(true);
    }

    @Override
    public void run() {
      try {
        super.run();
      } finally {
        all.remove(this);
      }
    }
  }

  private final int base;
  private final int max;
  private final CopyOnWriteArrayList<Worker> workers;
  private volatile ScheduledFuture<?> watchdog;

  private HttpPool(int base, int max, String name, CopyOnWriteArrayList<Worker> workers) {
    super(base, max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory(name, workers));
    this.base = base;
    this.max = max;
    this.workers = workers;
  }

  /** A pool of {@code base} threads growing to {@code max}, watched from {@code scheduler}. */
  static HttpPool start(int base, int max, String name, ScheduledExecutorService scheduler) {
    HttpPool p = new HttpPool(base, max, name, new CopyOnWriteArrayList<>());
    p.watchdog = scheduler.scheduleWithFixedDelay(p::check, CHECK_MILLIS, CHECK_MILLIS,
        TimeUnit.MILLISECONDS);
    return p;
  }

  private static java.util.concurrent.ThreadFactory factory(String name,
      CopyOnWriteArrayList<Worker> workers) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Worker w = new Worker(r, name + "-" + n.incrementAndGet(), workers);
      workers.add(w);
      return w;
    };
  }

  @Override
  protected void beforeExecute(Thread t, Runnable r) {
    ((Worker) t).busySince = System.nanoTime();
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    ((Worker) Thread.currentThread()).busySince = 0;
  }

  /** Sizes the pool: {@code base} plus one per stuck thread, so the others are never fewer. */
  void check() {
    long now = System.nanoTime();
    long stuckAfter = TimeUnit.MILLISECONDS.toNanos(STUCK_MILLIS);
    int stuck = 0;
    for (Worker w : workers) {
      long since = w.busySince;
      if (since != 0 && now - since > stuckAfter) {
        stuck++;
      }
    }
    int want = Math.min(max, base + stuck);
    if (want != getCorePoolSize() && !isShutdown()) {
      try {
        setCorePoolSize(want);
      } catch (IllegalArgumentException | RejectedExecutionException racingShutdown) {
        // Shut down meanwhile; nothing to size.
      }
    }
  }

  /** Threads now (for tests). */
  int threads() {
    return workers.size();
  }

  @Override
  public void shutdown() {
    stopWatching();
    super.shutdown();
  }

  @Override
  public java.util.List<Runnable> shutdownNow() {
    stopWatching();
    return super.shutdownNow();
  }

  private void stopWatching() {
    ScheduledFuture<?> w = watchdog;
    if (w != null) {
      w.cancel(false);
    }
  }
}
