package io.vtstatus.internal.schedule;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * When a due re-plan runs: planning takes a few milliseconds, and in a burst jobs can end faster
 * than that, so a re-plan waits until the time since the last one is {@value #PLANNING_BUDGET}×
 * its duration (planning then uses at most ~10 % of one thread). Whoever comes next (a job's end,
 * or a poll asking for its delay) runs it; the others keep the previous plan. Thread-safe.
 */
final class ReplanBudget {
  /** A re-plan waits until this many times its duration has passed since the last one. */
  static final int PLANNING_BUDGET = 9;

  private final LongSupplier nanoTime;
  private final ReentrantLock planning = new ReentrantLock();
  /** Set when a re-plan is due; whoever comes next and finds the budget allows it, re-plans. */
  private volatile boolean due;
  private volatile long lastPlanEnd;
  private volatile long lastPlanNanos;

  ReplanBudget(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Marks a re-plan as due. */
  void due() {
    due = true;
  }

  /** Runs {@code replan} on this thread if one is due, the budget allows and no one else is. */
  void runIfDue(Runnable replan) {
    if (!due
        || lastPlanNanos > 0 && nanoTime.getAsLong() - lastPlanEnd < PLANNING_BUDGET * lastPlanNanos) {
      return;
    }
    if (planning.tryLock()) {
      try {
        if (due) {
          due = false;
          long t0 = nanoTime.getAsLong();
          replan.run();
          long t1 = nanoTime.getAsLong();
          lastPlanNanos = t1 - t0;
          lastPlanEnd = t1;
        }
      } finally {
        planning.unlock();
      }
    }
  }
}
