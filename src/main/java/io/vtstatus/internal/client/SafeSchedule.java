package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the client polling when a user's {@link PollSchedule} throws or answers nonsense: logged,
 * and a safe delay instead of the one it could not give.
 */
final class SafeSchedule {
  private final PollSchedule s;
  private final AtomicBoolean reportedBadDelay = new AtomicBoolean();

  SafeSchedule(PollSchedule s) {
    this.s = s;
  }

  /**
   * The schedule's delay before the next poll, in nanoseconds: 1 s if it threw, the minimum
   * interval ({@link Watcher#MIN_INTERVAL_NANOS}) if it gave none or a negative one (reported
   * once).
   */
  long nextDelayNanos(PollContext ctx) {
    Duration d;
    try {
      d = s.nextDelay(ctx);
    } catch (RuntimeException ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule threw; polling again in 1 s", ex);
      return TimeUnit.SECONDS.toNanos(1);
    }
    if (d == null || d.isNegative()) {
      if (reportedBadDelay.compareAndSet(false, true)) {
        Engine.LOG.log(Level.WARNING, "poll schedule returned " + d + " for job " + ctx.jobId()
            + "; polling at most every " + TimeUnit.NANOSECONDS.toMillis(Watcher.MIN_INTERVAL_NANOS)
            + " ms (reported once)");
      }
      return Watcher.MIN_INTERVAL_NANOS;
    }
    return Engine.saturatedNanos(d);
  }

  /** Tells the schedule a job ended; what it throws is logged. */
  void jobFinished(Duration observed, DetectedBy by) {
    try {
      s.jobFinished(observed, by);
    } catch (RuntimeException ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule's jobFinished threw", ex);
    }
  }

  /** Tells the schedule a watch ended; what it throws is logged. */
  void watchEnded(PollContext last) {
    try {
      s.watchEnded(last);
    } catch (RuntimeException ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule's watchEnded threw", ex);
    }
  }
}
