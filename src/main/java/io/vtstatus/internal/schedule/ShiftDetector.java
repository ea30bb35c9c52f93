package io.vtstatus.internal.schedule;

/**
 * Notices when job durations stop fitting the learned distribution, so the schedule can cut its
 * memory short instead of waiting for forgetting to wear the old regime away (a half-life of
 * 100 jobs needs ~400 to get within 1.15× of the new optimum).
 *
 * <p>Each new duration is placed in the distribution learned so far: {@code u = F(x)}. While the
 * durations fit, {@code u} is uniform and lands in the outer {@value #TAIL} on either side only
 * rarely; after a shift most new durations do. A one-sided CUSUM of the log-likelihood ratio of
 * "outside" under the two hypotheses (P(outside) = {@value #P_SHIFTED} after a shift, {@value
 * #P_STEADY} while steady, a little over 2 × {@value #TAIL} for a learned tail) accumulates the
 * evidence and fires at {@value #THRESHOLD}: three outside in a row, or four with a fitting one
 * between. On a steady distribution that happens about once in ten thousand jobs (measured in
 * ShiftDetectorTest), and costs only a short re-learning.
 *
 * <p>It remembers the last {@value #RECENT} durations, so that when it fires the ones since the
 * evidence began — the new regime's — can be learned again at full weight.
 *
 * <p>Not thread-safe: the schedule calls it under a lock.
 */
final class ShiftDetector {
  static final double TAIL = 0.01;
  static final double P_STEADY = 0.03;
  static final double P_SHIFTED = 0.5;
  static final double THRESHOLD = 7;
  static final int RECENT = 64;

  private static final double OUTSIDE = Math.log(P_SHIFTED / P_STEADY);
  private static final double INSIDE = Math.log((1 - P_SHIFTED) / (1 - P_STEADY));

  private final double[] recent = new double[RECENT];
  private long seen;
  private double score;
  /** Index (in {@link #seen} order) of the first duration of the current run of evidence. */
  private long runStart = -1;

  /**
   * Records duration {@code x} whose place in the learned distribution is {@code u}
   * ({@code NaN} when nothing is learned yet: recorded, not judged). Returns the durations since
   * the evidence began when a shift is detected (and starts afresh), else {@code null}.
   */
  double[] observe(double x, double u) {
    recent[(int) (seen % RECENT)] = x;
    long index = seen++;
    if (Double.isNaN(u)) {
      return null;
    }
    boolean outside = u < TAIL || u > 1 - TAIL;
    if (score == 0 && outside) {
      runStart = index;
    }
    score = Math.max(0, score + (outside ? OUTSIDE : INSIDE));
    if (score == 0) {
      runStart = -1;
    }
    if (score < THRESHOLD) {
      return null;
    }
    long from = Math.max(runStart, seen - RECENT);
    double[] since = new double[(int) (seen - from)];
    for (long i = from; i < seen; i++) {
      since[(int) (i - from)] = recent[(int) (i % RECENT)];
    }
    score = 0;
    runStart = -1;
    return since;
  }

  /** The current evidence of a shift (0 when the durations fit). */
  double score() {
    return score;
  }
}
