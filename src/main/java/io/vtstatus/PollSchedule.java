package io.vtstatus;

import io.vtstatus.internal.schedule.Schedules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Chooses the delay before the next status poll of a job. One schedule serves every job of a
 * {@link StatusClient}, from several threads at once: implementations must be thread-safe.
 *
 * <p>A custom schedule is a lambda away:
 *
 * <pre>{@code
 * PollSchedule schedule = ctx -> ctx.serverHint().orElse(Duration.ofSeconds(ctx.polls() < 3 ? 1 : 5));
 * }</pre>
 *
 * <p>The client clamps whatever is returned to the time left before the watch's deadline, and
 * times a last poll to start shortly before it (at most a second, or a quarter of the timeout,
 * earlier) so that its answer is due by the deadline: a schedule never makes a watch give up
 * early. A watch's first poll comes within a second whatever this schedule says, unless the job
 * was created by the client's own {@code submit()}: a job watched later may have ended already.
 * Once the server has held a read ({@link StatusClient.Builder#longPoll}), a first read goes out
 * at once. {@link PollContext#polls()} is 0 when the schedule is asked for a first poll.
 *
 * <p>Its methods run on the client's threads (the scheduler's, a request thread's or the webhook
 * listener's), or on the caller's inside {@code watch()} and {@code await()}. What they throw is
 * logged: a failing {@link #nextDelay} polls again in a second.
 */
@FunctionalInterface
public interface PollSchedule {

  /**
   * The delay before the next poll; {@link Duration#ZERO} polls at once. Never null.
   *
   * @param context what the client knows of the watch
   * @return the delay, not null
   */
  Duration nextDelay(PollContext context);

  /**
   * Told once for each job this client saw end (however many watches it had), with the time from
   * {@code watch()} to detection (or the server's own duration when it reported one), from the
   * watch that started first. Not told for a job that ended before its watch began (a verified
   * webhook that came first, or an {@code updated_at} before the watch): how long it ran is
   * unknown. Learning schedules use it; the default does nothing.
   *
   * @param observedDuration how long the job ran, as observed
   */
  default void jobFinished(Duration observedDuration) {}

  /**
   * As {@link #jobFinished(Duration)}, also saying which signal found the end; the client calls
   * this one. Learning schedules use it to estimate how often webhooks fail to arrive. The
   * default forwards to {@link #jobFinished(Duration)}.
   *
   * @param observedDuration how long the job ran, as observed
   * @param detectedBy which signal found the end
   */
  default void jobFinished(Duration observedDuration, DetectedBy detectedBy) {
    jobFinished(observedDuration);
  }

  /**
   * Told once when a watch ends, however it ends, with its last context: a terminal {@link
   * PollContext#lastStatus()} means its job ended (and {@link #jobFinished(Duration, DetectedBy)}
   * was told); any other means the watch gave up first (it timed out, was cancelled, or the
   * client closed), so the job is known to have run at least {@link PollContext#elapsed()}.
   *
   * <p>Learning schedules need both halves. Counting only jobs that ended biases a duration
   * estimate short whenever some are still running (early in a burst every job that ended is a
   * short one), so the adaptive schedule also counts the watches still open, from the contexts
   * {@link #nextDelay} sees, as jobs known to run at least that long; this call tells it to stop
   * counting one, and a watch that gave up becomes such a record for good. Called on a client
   * thread; must not block. The default does nothing.
   *
   * @param lastContext the watch's last context
   */
  default void watchEnded(PollContext lastContext) {}

  /**
   * Polls every {@code interval}, ignoring server hints.
   *
   * @param interval the delay between two polls, positive
   * @return the schedule
   */
  static PollSchedule fixed(Duration interval) {
    return Schedules.fixed(positive(interval, "interval"));
  }

  /**
   * Exponential backoff with full jitter: the n-th delay is uniform in {@code [0, min(max,
   * initial * factor^n)]}. Honours server hints when present.
   *
   * @param initial the first delay's cap, positive
   * @param factor how much the cap grows with each answered poll, at least 1
   * @param max the largest cap
   * @return the schedule
   */
  static PollSchedule exponential(Duration initial, double factor, Duration max) {
    positive(initial, "initial");
    positive(max, "max");
    if (!(factor >= 1.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("Invalid factor: " + factor);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max " + max + " < initial " + initial);
    }
    return Schedules.exponential(initial, factor, max);
  }

  /**
   * The original Go client's ladder, for comparison: 4, 4, 4, 4, 4, 4, 2, 2, 1, 1 s, then 1 s.
   *
   * @return the schedule
   */
  static PollSchedule stepped() {
    return Schedules.stepped();
  }

  /**
   * The default: learns how long this client's jobs take and polls by the hazard-based optimum
   * for one poll worth 50 ms of delay; honours server hints; jitters per job; and stretches
   * into a sparse safety net while webhooks are arriving.
   *
   * @return the schedule
   */
  static PollSchedule adaptive() {
    return Schedules.adaptive(Schedules.DEFAULT_REQUEST_COST);
  }

  /**
   * An adaptive schedule for a different trade: one poll is worth {@code requestCost} of extra
   * detection delay. Larger means fewer polls and later detection.
   *
   * @param requestCost the extra detection delay one poll is worth, positive
   * @return the schedule
   */
  static PollSchedule adaptive(Duration requestCost) {
    return Schedules.adaptive(positive(requestCost, "requestCost"));
  }

  /**
   * An adaptive schedule that starts from what an earlier process learned and keeps learning
   * into the same file: {@code stateFile} is read now (missing means a cold start; corrupt,
   * foreign or from a newer version means a cold start and one warning on the {@code
   * io.vtstatus} logger, never an exception) and rewritten atomically as jobs end, at once the
   * first time and then at most once a second — so a process that exits right after a job may
   * lose up to a second of learning, never the file. A file that is not a vtstatus state file is
   * never overwritten. The file is a few KB of JSON.
   *
   * <p>Why a file and not export/import methods: the state is only useful paired with storage,
   * and every caller would need the same care (atomic replace, tolerant read, when to save). A
   * process that handles one job at a time (a CLI step, a cron job) otherwise never learns.
   *
   * <pre>{@code
   * PollSchedule schedule = PollSchedule.adaptive(Duration.ofMillis(50),
   *     Path.of(System.getProperty("user.home"), ".local/state/myapp/poll-model.json"));
   * }</pre>
   *
   * @param requestCost the extra detection delay one poll is worth, positive
   * @param stateFile where the learned state is read from and written to
   * @return the schedule
   */
  static PollSchedule adaptive(Duration requestCost, Path stateFile) {
    Objects.requireNonNull(stateFile, "stateFile");
    return Schedules.adaptive(positive(requestCost, "requestCost"), stateFile);
  }

  private static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("Invalid duration for " + what + ": " + d);
    }
    return d;
  }
}
