package io.vtstatus.internal.util;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads: every thread vtstatus starts says whose it is. */
public final class Threads {
  private Threads() {}

  /** A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Runs {@code start} on a short-lived daemon thread and waits for it. A thread inherits its
   * daemon status from the thread that creates it, and the JDK's {@code HttpServer} creates its
   * dispatcher thread in {@code start()}: started from a user's {@code main} it would be a
   * non-daemon thread that keeps the JVM alive after {@code main} returns.
   */
  public static void startFromDaemon(String name, Runnable start) {
    RuntimeException[] failure = new RuntimeException[1];
    Thread t = new Thread(() -> {
      try {
        start.run();
      } catch (RuntimeException e) {
        failure[0] = e;
      }
    }, name);
    t.setDaemon(true);
    t.start();
    boolean interrupted = false;
    while (true) {
      try {
        t.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /**
   * A pool that reuses idle threads, starts a new one (up to {@code max}) only when none is
   * idle, then queues up to {@code maxQueued} tasks, and refuses beyond that. The JDK's pools
   * do one or the other: a fixed pool cannot grow when its threads are stuck on slow peers, and
   * a {@code ThreadPoolExecutor} with a core size starts a thread per task until it reaches it.
   * Idle threads end after {@code keepAliveSeconds}.
   */
  public static ThreadPoolExecutor elasticPool(String prefix, int max, int maxQueued, long keepAliveSeconds) {
    return elasticPool(prefix, max, maxQueued, keepAliveSeconds, max, 0);
  }

  /**
   * As {@link #elasticPool(String, int, int, long)}, but past {@code soft} threads a task first
   * waits up to {@code patienceNanos} for a thread to come free before the pool grows: a burst
   * of short tasks is served by the threads there are, while threads stuck on slow peers still
   * get company after that short wait (the caller of {@code execute} waits it).
   */
  public static ThreadPoolExecutor elasticPool(String prefix, int max, int maxQueued,
      long keepAliveSeconds, int soft, long patienceNanos) {
    HandOffQueue queue = new HandOffQueue(soft, patienceNanos);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, keepAliveSeconds, TimeUnit.SECONDS, queue,
        daemon(prefix), (r, p) -> {
          if (p.isShutdown() || queue.size() >= maxQueued) {
            throw new RejectedExecutionException(prefix + ": " + max + " threads busy and "
                + maxQueued + " tasks queued");
          }
          queue.add(r);
        });
    queue.pool = pool;
    return pool;
  }

  /**
   * Offers a task only to a thread already waiting for one, so the pool grows instead of
   * queueing; the pool's rejection handler queues once it cannot grow.
   */
  private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    private final int soft;
    private final long patienceNanos;
    private transient volatile ThreadPoolExecutor pool;

    HandOffQueue(int soft, long patienceNanos) {
      this.soft = soft;
      this.patienceNanos = patienceNanos;
    }

    @Override
    public boolean offer(Runnable r) {
      if (tryTransfer(r)) {
        return true;
      }
      ThreadPoolExecutor p = pool;
      if (patienceNanos <= 0 || p == null || p.getPoolSize() < soft) {
        return false;
      }
      try {
        return tryTransfer(r, patienceNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
