package io.vtstatus.internal.client;

import io.vtstatus.internal.util.Scheduler;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link Scheduler} on fake time: tasks run on the test's thread when it advances the clock,
 * in due order (ties in the order they were scheduled). Nothing runs by itself.
 */
final class FakeScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now = 1_000_000_000L;
  private long seq;
  private boolean shutdown;

  private final class Task implements Comparable<Task>, Cancellable {
    final long due;
    final long order = seq++;
    final Runnable r;
    boolean cancelled;

    Task(long due, Runnable r) {
      this.due = due;
      this.r = r;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(order, o.order);
    }

    @Override
    public void cancel() {
      synchronized (FakeScheduler.this) {
        cancelled = true;
        queue.remove(this);
      }
    }
  }

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Runnable task, long delayNanos) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    Task t = new Task(now + Math.max(0, delayNanos), task);
    queue.add(t);
    return t;
  }

  /** Moves the clock forward by {@code d}, running every task that falls due on the way. */
  void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now + d.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          now = target;
          return;
        }
        queue.poll();
        now = Math.max(now, next.due);
      }
      next.r.run();
    }
  }

  /** Runs what is due now (tasks scheduled with no delay), without moving the clock. */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Tasks waiting, cancelled ones excluded. */
  synchronized int pending() {
    return queue.size();
  }

  synchronized void shutdown() {
    shutdown = true;
  }
}
