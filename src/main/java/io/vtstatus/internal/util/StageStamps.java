package io.vtstatus.internal.util;

/**
 * Benchmark-only timestamps along the webhook path (issue 23's per-stage breakdown): off unless
 * a benchmark sets {@link #sink}, and then one volatile read per stage. The simulator and the
 * client call {@link #at}; {@code make bench}'s latency scenario collects the stamps per job.
 * Never set by the library itself.
 */
public final class StageStamps {
  /** The stages, in the order a webhook passes them. */
  public static final int JOB_ENDED = 0;
  public static final int DELIVERY_QUEUED = 1;
  public static final int SENDER_PICKED_UP = 2;
  public static final int REQUEST_SENT = 3;
  public static final int LISTENER_RECEIVED = 4;
  public static final int VERIFIED = 5;
  public static final int ACTED = 6;
  public static final int WATCH_COMPLETED = 7;
  /** The sender's answer written (after the watch ended: off the detection path). */
  public static final int ACKNOWLEDGED = 8;
  /** How many stages there are. */
  public static final int STAGES = 9;

  /** Receives the stamps: {@code nanos} is {@link System#nanoTime()} at the stage. */
  public interface Sink {
    void at(int stage, String jobId, long nanos);
  }

  /** Null (off) unless a benchmark installed one. */
  public static volatile Sink sink;

  private StageStamps() {}

  /** Stamps {@code stage} for {@code jobId} now, when a sink is installed. */
  public static void at(int stage, String jobId) {
    Sink s = sink;
    if (s != null) {
      s.at(stage, jobId, System.nanoTime());
    }
  }

  /** Stamps {@code stage} for {@code jobId} at {@code nanos}, when a sink is installed. */
  public static void at(int stage, String jobId, long nanos) {
    Sink s = sink;
    if (s != null) {
      s.at(stage, jobId, nanos);
    }
  }

  /** Whether a sink is installed: callers skip taking a time they would only hand to it. */
  public static boolean on() {
    return sink != null;
  }
}
