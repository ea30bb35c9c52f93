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
    HandOffQueue queue = new HandOffQueue();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(0, max, keepAliveSeconds, TimeUnit.SECONDS, queue,
        daemon(prefix), (r, p) -> {
          if (p.isShutdown() || queue.size() >= maxQueued) {
            throw new RejectedExecutionException(prefix + ": " + max + " threads busy and "
                + maxQueued + " tasks queued");
          }
          queue.add(r);
        });
    return pool;
  }

  /**
   * Offers a task only to a thread already waiting for one, so the pool grows instead of
   * queueing; the pool's rejection handler queues once it cannot grow.
   */
  private static final class HandOffQueue extends LinkedTransferQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable r) {
      return tryTransfer(r);
    }
  }
}
