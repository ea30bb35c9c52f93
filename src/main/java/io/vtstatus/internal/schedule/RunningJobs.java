package io.vtstatus.internal.schedule;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The jobs a schedule's client is still watching, and the age at which each was last seen
 * running: what the product-limit estimate needs to count jobs that have not ended yet.
 *
 * <p>It learns them from the calls a schedule already gets: the client asks {@code nextDelay}
 * after every answer that says "still running", with the time since {@code watch()}. A watch
 * leaves when the client says it ended ({@code PollSchedule.watchEnded}). A client that never
 * says so (an older engine, or a wrapper that does not pass the call on) is handled too: until
 * the first {@link #ended} call, an entry also leaves once its next poll is overdue by more than
 * a few typical answer times, as a job found ended by that poll would have been reported by
 * then. Either way an entry that nobody refreshes leaves after {@link #ABANDONED_AFTER_NANOS}
 * past its due poll, so memory stays bounded by the watches actually open.
 *
 * <p>Thread-safe; {@link #seen} and {@link #ended} are O(1), {@link #ages} is O(open watches).
 */
final class RunningJobs {
  /** An entry not refreshed this long after its poll was due is dropped whatever the client says. */
  static final long ABANDONED_AFTER_NANOS = 60_000_000_000L;
  /** Without end reports: the least slack after a due poll before an entry is presumed ended. */
  static final long MIN_SLACK_NANOS = 20_000_000L;

  private record Entry(double age, long seenNanos, long dueNanos) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private volatile boolean endsReported;
  /** A running mean of how late, after its due time, a watch's next call came (answer time). */
  private volatile double lagNanos;

  RunningJobs(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Job {@code jobId} was seen running at age {@code ageSeconds}; its next poll is in {@code delayNanos}. */
  void seen(String jobId, double ageSeconds, long delayNanos) {
    long now = nanoTime.getAsLong();
    Entry before = entries.put(jobId, new Entry(ageSeconds, now, now + Math.max(0, delayNanos)));
    if (before != null) {
      long lag = now - before.dueNanos;
      long planned = before.dueNanos - before.seenNanos;
      if (lag >= 0 && lag <= Math.max(planned, MIN_SLACK_NANOS)) {
        lagNanos += 0.05 * (lag - lagNanos);
      }
    }
  }

  /** The client says the watch of {@code jobId} ended. */
  void ended(String jobId) {
    endsReported = true;
    entries.remove(jobId);
  }

  /** Whether the client reports ends ({@code watchEnded}); until it does, overdue entries expire early. */
  boolean endsReported() {
    return endsReported;
  }

  /** How many watches are counted as running now. */
  int size() {
    return entries.size();
  }

  /** The jobs counted as running: last-seen ages (seconds) and start times (nanoTime). */
  record Seen(double[] ages, long[] starts) {}

  /** The jobs still running, dropping entries that expired. */
  Seen seen() {
    long now = nanoTime.getAsLong();
    long slack = endsReported ? ABANDONED_AFTER_NANOS
        : Math.min(ABANDONED_AFTER_NANOS, Math.max(MIN_SLACK_NANOS, (long) (4 * lagNanos)));
    int size = entries.size() + 16;
    double[] ages = new double[size];
    long[] starts = new long[size];
    int n = 0;
    for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Entry> e = it.next();
      Entry v = e.getValue();
      if (now - v.dueNanos > slack) {
        entries.remove(e.getKey(), v);
        continue;
      }
      if (n == ages.length) {
        ages = Arrays.copyOf(ages, n * 2);
        starts = Arrays.copyOf(starts, n * 2);
      }
      ages[n] = v.age;
      starts[n] = v.seenNanos - (long) (v.age * 1e9);
      n++;
    }
    return new Seen(Arrays.copyOf(ages, n), Arrays.copyOf(starts, n));
  }

  /** The last-seen ages (seconds) of the jobs still running. */
  double[] ages() {
    return seen().ages();
  }
}
