package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A due re-plan runs once, and not before nine times its own duration has passed. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplanBudgetTest {
  long now = -1_000; // nanoTime may be negative
  int runs;
  final ReplanBudget budget = new ReplanBudget(() -> now);

  /** A re-plan that takes {@code nanos} of fake time. */
  Runnable takes(long nanos) {
    return () -> {
      runs++;
      now += nanos;
    };
  }

  @Test
  void nothingRunsUntilDue() {
    budget.runIfDue(takes(10));
    assertEquals(0, runs);
    budget.due();
    budget.runIfDue(takes(10));
    assertEquals(1, runs, "the first re-plan runs at once, even at a negative nanoTime");
    now += 1_000_000;
    budget.runIfDue(takes(10));
    assertEquals(1, runs, "done: no longer due");
  }

  @Test
  void theNextWaitsNineTimesTheLastOnesDuration() {
    budget.due();
    budget.runIfDue(takes(10));
    assertEquals(1, runs);
    budget.due();
    now += ReplanBudget.PLANNING_BUDGET * 10 - 1;
    budget.runIfDue(takes(20));
    assertEquals(1, runs, "89 ns after a 10 ns plan: too soon");
    now += 1;
    budget.runIfDue(takes(20));
    assertEquals(2, runs, "90 ns after: allowed");
    budget.due();
    now += ReplanBudget.PLANNING_BUDGET * 20 - 1;
    budget.runIfDue(takes(0));
    assertEquals(2, runs, "the budget follows the last plan's 20 ns");
    now += 1;
    budget.runIfDue(takes(0));
    assertEquals(3, runs);
    budget.due();
    budget.runIfDue(takes(0));
    assertEquals(4, runs, "a plan that took no time leaves no wait");
  }

  @Test
  void anotherThreadMayReplanAfterThisOne() throws Exception {
    budget.due();
    budget.runIfDue(takes(0));
    budget.due();
    Thread other = new Thread(() -> budget.runIfDue(takes(0)), "replan-test");
    other.setDaemon(true);
    other.start();
    other.join(5_000);
    assertEquals(2, runs, "the first re-plan let go of its lock");
  }

  @Test
  void aReplanThatMarksItselfDueAgainIsNotLost() {
    budget.due();
    budget.runIfDue(() -> {
      runs++;
      budget.due();
    });
    budget.runIfDue(takes(0));
    assertEquals(2, runs, "marked due while planning: the next caller re-plans");
  }
}
