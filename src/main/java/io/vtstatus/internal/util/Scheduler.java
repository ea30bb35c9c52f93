package io.vtstatus.internal.util;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's one seam for time: what "now" is and how to run something later. In production
 * it is {@code System.nanoTime()} and a {@link ScheduledExecutorService}; tests drive a fake
 * that runs due tasks when they advance its clock, so races between polls, hints and deadlines
 * are tested deterministically instead of on real time.
 */
public interface Scheduler {

  /** Monotonic time in nanoseconds, as {@link System#nanoTime()}: only differences mean anything. */
  long nanoTime();

  /**
   * Runs {@code task} once, {@code delayNanos} from now (at once if not positive).
   *
   * @throws RejectedExecutionException if the scheduler has been shut down
   */
  Cancellable schedule(Runnable task, long delayNanos);

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not started; harmless if it has run or was cancelled. */
    void cancel();
  }

  /**
   * A task that forgets what it runs once cancelled: an executor we cannot purge then keeps a
   * few bytes per cancelled timer until its time, not the watch the task refers to.
   */
  final class ForgetsOnCancel implements Runnable {
    volatile Runnable task;

    ForgetsOnCancel(Runnable task) {
      this.task = task;
    }

    @Override
    public void run() {
      Runnable t = task;
      if (t != null) {
        t.run();
      }
    }
  }

  /** The real scheduler: {@code System.nanoTime()} and {@code executor}'s timers. */
  static Scheduler of(ScheduledExecutorService executor) {
    return new Scheduler() {
      @Override
      public long nanoTime() {
        return System.nanoTime();
      }

      @Override
      public Cancellable schedule(Runnable task, long delayNanos) {
        ForgetsOnCancel once = new ForgetsOnCancel(task);
        ScheduledFuture<?> f = executor.schedule(once, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> {
          once.task = null;
          f.cancel(false);
          // A cancelled task stays queued until its time unless the executor removes it, and
          // only the client's own executor is set to: take it out of a user's pool ourselves.
          if (executor instanceof ThreadPoolExecutor && f instanceof Runnable) {
            ((ThreadPoolExecutor) executor).remove((Runnable) f);
          }
        };
      }
    };
  }
}
