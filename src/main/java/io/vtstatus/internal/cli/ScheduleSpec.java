package io.vtstatus.internal.cli;

import io.vtstatus.PollSchedule;
import io.vtstatus.internal.schedule.Schedules;
import io.vtstatus.internal.util.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/** Parses {@code adaptive}, {@code fixed:1s}, {@code exponential:500ms,2,30s}, {@code stepped}. */
final class ScheduleSpec {
  private ScheduleSpec() {}

  static PollSchedule parse(String spec) throws Args.UsageException {
    return parse(spec, Optional.empty(), w -> { });
  }

  /**
   * Throws what {@link #parse(String, Optional, Consumer)} would for a bad {@code spec}, without
   * building the schedule: an adaptive one reads its state file and plans, which a command
   * answered by its first look never needs.
   */
  static void check(String spec) throws Args.UsageException {
    if (!isAdaptive(spec)) {
      parse(spec);
      return;
    }
    try {
      requirePositive(adaptiveCost(spec.trim()));
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--schedule " + spec + ": " + e.getMessage());
    }
  }

  /** The request cost of {@code adaptive} or {@code adaptive:COST}. */
  private static Duration adaptiveCost(String s) {
    return s.equals("adaptive") ? Schedules.DEFAULT_REQUEST_COST : Durations.parse(s.substring(9));
  }

  /** Whether {@code spec} names the adaptive schedule (the only one that learns). */
  static boolean isAdaptive(String spec) {
    String s = spec.trim();
    return s.equals("adaptive") || s.startsWith("adaptive:");
  }

  /**
   * As {@link #parse(String)}; an adaptive schedule loads from and saves to {@code stateFile},
   * sending its one warning (a damaged or foreign file) to {@code warnings}.
   */
  static PollSchedule parse(String spec, Optional<Path> stateFile, Consumer<String> warnings)
      throws Args.UsageException {
    String s = spec.trim();
    try {
      if (isAdaptive(s)) {
        Duration cost = adaptiveCost(s);
        return stateFile.isPresent() ? Schedules.adaptive(requirePositive(cost), stateFile.get(), warnings)
            : PollSchedule.adaptive(cost);
      }
      if (s.equals("stepped")) {
        return PollSchedule.stepped();
      }
      if (s.startsWith("fixed:")) {
        return PollSchedule.fixed(Durations.parse(s.substring(6)));
      }
      if (s.startsWith("exponential:")) {
        String[] p = s.substring(12).split(",");
        if (p.length != 3) {
          throw new Args.UsageException("--schedule exponential:INITIAL,FACTOR,MAX, e.g. exponential:500ms,2,30s");
        }
        return PollSchedule.exponential(Durations.parse(p[0]), Double.parseDouble(p[1]), Durations.parse(p[2]));
      }
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--schedule " + spec + ": " + e.getMessage());
    }
    throw new Args.UsageException(
        "--schedule must be adaptive, adaptive:COST, fixed:1s, exponential:500ms,2,30s or stepped, not '" + spec + "'");
  }

  private static Duration requirePositive(Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("Invalid duration for requestCost: " + d);
    }
    return d;
  }
}
