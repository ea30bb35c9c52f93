package io.vtstatus.internal.cli;

import io.vtstatus.PollSchedule;
import io.vtstatus.internal.util.Durations;

/** Parses {@code adaptive}, {@code fixed:1s}, {@code exponential:500ms,2,30s}, {@code stepped}. */
final class ScheduleSpec {
  private ScheduleSpec() {}

  static PollSchedule parse(String spec) throws Args.UsageException {
    String s = spec.trim();
    try {
      if (s.equals("adaptive")) {
        return PollSchedule.adaptive();
      }
      if (s.startsWith("adaptive:")) {
        return PollSchedule.adaptive(Durations.parse(s.substring(9)));
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
}
