package io.vtstatus.internal.schedule;

import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/** The built-in schedules behind {@link PollSchedule}'s factories. */
public final class Schedules {
  /** One poll is worth 50 ms of detection delay: see docs/POLLING.md for why. */
  public static final Duration DEFAULT_REQUEST_COST = Duration.ofMillis(50);

  private static final long[] STEPPED_MS = {4000, 4000, 4000, 4000, 4000, 4000, 2000, 2000, 1000, 1000};

  private Schedules() {}

  public static PollSchedule fixed(Duration interval) {
    return new PollSchedule() {
      @Override
      public Duration nextDelay(PollContext c) {
        return interval;
      }

      @Override
      public String toString() {
        return "fixed(" + interval + ")";
      }
    };
  }

  public static PollSchedule exponential(Duration initial, double factor, Duration max) {
    return exponential(initial, factor, max, () -> ThreadLocalRandom.current().nextDouble());
  }

  /**
   * As {@link #exponential(Duration, double, Duration)}, with the jitter drawn from {@code
   * uniform} (values in [0, 1)): {@code advise} passes a seeded one, so its advice is
   * reproducible. {@code uniform} must be thread-safe if the schedule is shared.
   */
  public static PollSchedule exponential(Duration initial, double factor, Duration max,
      DoubleSupplier uniform) {
    return new PollSchedule() {
      @Override
      public Duration nextDelay(PollContext c) {
        if (c.serverHint().isPresent()) {
          return c.serverHint().get();
        }
        double cap = Math.min(max.toNanos(), initial.toNanos() * Math.pow(factor, c.answeredPolls()));
        return Duration.ofNanos((long) (uniform.getAsDouble() * cap));
      }

      @Override
      public String toString() {
        return "exponential(" + initial + ", " + factor + ", " + max + ")";
      }
    };
  }

  public static PollSchedule stepped() {
    return new PollSchedule() {
      @Override
      public Duration nextDelay(PollContext c) {
        int i = Math.min(c.answeredPolls(), STEPPED_MS.length - 1);
        return Duration.ofMillis(STEPPED_MS[i]);
      }

      @Override
      public String toString() {
        return "stepped()";
      }
    };
  }

  /**
   * The learning schedule: see {@link AdaptiveSchedule} and docs/POLLING.md. Thread-safe; one
   * instance serves every job of a client.
   */
  public static PollSchedule adaptive(Duration requestCost) {
    return new AdaptiveSchedule(requestCost);
  }

  /**
   * As {@link #adaptive(Duration)}, starting from the state saved in {@code stateFile} (if it is
   * there and readable) and saving to it as it learns: see {@link StateFile}.
   */
  public static PollSchedule adaptive(Duration requestCost, Path stateFile) {
    return new AdaptiveSchedule(requestCost, AdaptiveSchedule.DEFAULT_MIN, AdaptiveSchedule.DEFAULT_MAX,
        System::nanoTime, Optional.of(new StateFile(stateFile)));
  }

  /** As {@link #adaptive(Duration, Path)}, with the state file's one warning sent to {@code warnings}. */
  public static PollSchedule adaptive(Duration requestCost, Path stateFile, Consumer<String> warnings) {
    return new AdaptiveSchedule(requestCost, AdaptiveSchedule.DEFAULT_MIN, AdaptiveSchedule.DEFAULT_MAX,
        System::nanoTime, Optional.of(new StateFile(stateFile, warnings)));
  }

  /** As {@link #adaptive(Duration)}, with explicit bounds on every delay (tests, benchmark). */
  public static PollSchedule adaptive(Duration requestCost, Duration minInterval, Duration maxInterval) {
    return new AdaptiveSchedule(requestCost, minInterval, maxInterval);
  }

  /**
   * An adaptive schedule that has learned {@code durations} (seconds, in the order given, one
   * job after another, as a client running them one at a time would) and planned for them:
   * what {@code vtstatus advise} replays the user's own jobs against.
   */
  public static PollSchedule adaptiveLearnedFrom(Duration requestCost, double[] durations) {
    long[] now = {0};
    AdaptiveSchedule s = new AdaptiveSchedule(requestCost, AdaptiveSchedule.DEFAULT_MIN,
        AdaptiveSchedule.DEFAULT_MAX, () -> now[0], Optional.empty());
    for (double d : durations) {
      now[0] += Math.round(d * 1e9);
      s.jobFinished(Duration.ofNanos(Math.round(d * 1e9)));
    }
    if (s.histogram().count() >= AdaptiveSchedule.WARMUP) {
      s.replan();
    }
    return s;
  }
}
