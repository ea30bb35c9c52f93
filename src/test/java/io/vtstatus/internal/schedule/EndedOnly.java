package io.vtstatus.internal.schedule;

import java.util.Optional;

/**
 * The estimate made before running jobs were counted: the jobs that ended, alone. Tests compare
 * the censored estimate with it to show how far short it falls early in a burst.
 */
final class EndedOnly {
  private EndedOnly() {}

  static LearnedModel of(DurationHistogram h) {
    DurationHistogram.State st = h.state();
    return new LearnedModel(DurationHistogram.smooth(st.ended.w), st.count, st.effective(),
        Optional.empty());
  }
}
