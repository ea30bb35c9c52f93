package io.vtstatus.internal.schedule;

/**
 * Counts jobs as they end and answers "how many ended since time t": what ages an observation
 * for forgetting.
 *
 * <p>Forgetting by the order in which jobs <em>end</em> biases the estimate whenever many jobs
 * run at once: in a burst the long jobs end last, so they would weigh most and the short ones,
 * long forgotten, least. A job's weight must not depend on its own duration, so each weighs by
 * how many jobs ended before it <em>started</em> — equivalently, by how many ended since its
 * start ({@code endsSince(now − duration)}) counted back from the newest. Jobs started together
 * weigh the same however long they ran.
 *
 * <p>Keeps the times of the last {@value #KEPT} ends; an observation older than that weighs
 * 2^(−{@value #KEPT}/half-life), nothing. Thread-safe.
 */
final class EndCounter {
  static final int KEPT = 4096;

  private final long[] times = new long[KEPT];
  private long count;

  /** A job ended at {@code nanos} (calls come in time order, give or take a race). */
  synchronized void ended(long nanos) {
    times[(int) (count % KEPT)] = nanos;
    count++;
  }

  /** How many jobs ended after {@code nanos} (at most {@value #KEPT}). */
  synchronized long endsSince(long nanos) {
    long kept = Math.min(count, KEPT);
    // Binary search over the kept times, oldest first: the first index with time > nanos.
    long lo = 0;
    long hi = kept;
    while (lo < hi) {
      long mid = (lo + hi) >>> 1;
      long t = times[(int) ((count - kept + mid) % KEPT)];
      if (t - nanos > 0) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return kept - lo;
  }
}
