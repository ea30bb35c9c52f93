package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import io.vtstatus.internal.schedule.LearningSchedule;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps the client polling when a user's {@link PollSchedule} throws or answers nonsense: logged,
 * and a safe delay instead of the one it could not give. An {@link Error} counts too (an
 * assertion in a test's schedule): escaping, it would leave a watch without its next poll.
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
    } catch (Throwable ex) {
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

  /**
   * Tells the schedule a job ended, and which signal found it ({@code null}: none worth learning
   * from, so the schedule hears {@link PollSchedule#jobFinished(Duration)}); what it throws is
   * logged.
   */
  void jobFinished(Duration observed, DetectedBy by) {
    try {
      if (by == null) {
        s.jobFinished(observed);
      } else {
        s.jobFinished(observed, by);
      }
    } catch (Throwable ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule's jobFinished threw", ex);
    }
  }

  /**
   * Tells the schedule a watch ended on a 404 or an unusable answer: a learning schedule of ours
   * learns nothing from it; any other hears {@link PollSchedule#watchEnded}, as documented.
   */
  void watchEndedUnknown(PollContext last) {
    try {
      if (s instanceof LearningSchedule) {
        ((LearningSchedule) s).watchEndedUnknown(last);
      } else {
        s.watchEnded(last);
      }
    } catch (Throwable ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule's watchEnded threw", ex);
    }
  }

  /** Tells the schedule a watch ended; what it throws is logged. */
  void watchEnded(PollContext last) {
    try {
      s.watchEnded(last);
    } catch (Throwable ex) {
      Engine.LOG.log(Level.WARNING, "poll schedule's watchEnded threw", ex);
    }
  }
}
