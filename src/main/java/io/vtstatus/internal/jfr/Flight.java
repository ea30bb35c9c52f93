package io.vtstatus.internal.jfr;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobStatus;

/**
 * What the client tells JDK Flight Recorder: the events {@code io.vtstatus.Poll}, {@code
 * io.vtstatus.Webhook}, {@code io.vtstatus.WatchEnded} and {@code io.vtstatus.Registration}.
 *
 * <p>The module only {@code requires static jdk.jfr}: a runtime may lack it (a {@code jlink}ed
 * one, or the module path without {@code --add-modules jdk.jfr}). So this class names nothing of
 * {@code jdk.jfr}; {@link JfrSink} does, and is loaded only when the boot layer holds the module.
 * Otherwise every call is a no-op on a constant. A timed event is begun by a {@code *Begin} call
 * whose token (null when nothing records it) goes back to the matching {@code *End}: nothing is
 * built for an event no recording wants.
 *
 * <p>Never a secret: events carry job ids, statuses, signals, counts, answer codes and exception
 * types; no header value, signature, secret, URL or body.
 */
public final class Flight {
  /**
   * The calls the engine makes; every argument may be read only when the event is wanted. A
   * token is what the matching begin returned, null when no recording wanted the event.
   */
  interface Sink {
    Object pollBegin();

    void pollEnd(Object token, String jobId, int poll, JobStatus status, Throwable failure);

    Object webhookBegin();

    void webhookEnd(Object token, String jobId, JobStatus status, boolean verified, int code);

    void watchEnded(String jobId, JobStatus status, DetectedBy by, Throwable failure, int polls,
        long waitedNanos);

    Object registrationBegin();

    void registrationEnd(Object token, int attempt, Throwable failure);
  }

  private static final Sink NONE = new Sink() {
    @Override
    public Object pollBegin() {
      return null;
    }

    @Override
    public void pollEnd(Object token, String jobId, int poll, JobStatus status, Throwable failure) {}

    @Override
    public Object webhookBegin() {
      return null;
    }

    @Override
    public void webhookEnd(Object token, String jobId, JobStatus status, boolean verified, int code) {}

    @Override
    public void watchEnded(String jobId, JobStatus status, DetectedBy by, Throwable failure,
        int polls, long waitedNanos) {}

    @Override
    public Object registrationBegin() {
      return null;
    }

    @Override
    public void registrationEnd(Object token, int attempt, Throwable failure) {}
  };

  private static final Sink SINK = load();

  private Flight() {}

  private static Sink load() {
    if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
      return NONE;
    }
    try {
      return (Sink) Class.forName("io.vtstatus.internal.jfr.JfrSink").getDeclaredConstructor()
          .newInstance();
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // A runtime whose Flight Recorder is there but unusable must not stop the client.
      return NONE;
    }
  }

  /** Whether events can be recorded in this runtime (tests: the guard took the JFR path). */
  public static boolean available() {
    return SINK != NONE;
  }

  /** A poll is about to go out; the token goes to {@link #pollEnd}. */
  public static Object pollBegin() {
    return SINK.pollBegin();
  }

  /** The poll's answer ({@code status}) or its {@code failure}. */
  public static void pollEnd(Object token, String jobId, int poll, JobStatus status,
      Throwable failure) {
    SINK.pollEnd(token, jobId, poll, status, failure);
  }

  /** A delivery's check starts; the token goes to {@link #webhookEnd}. */
  public static Object webhookBegin() {
    return SINK.webhookBegin();
  }

  /** The delivery's answer {@code code}; job and status when its body was read. */
  public static void webhookEnd(Object token, String jobId, JobStatus status, boolean verified,
      int code) {
    SINK.webhookEnd(token, jobId, status, verified, code);
  }

  /** A watch ended: found by {@code by}, or (when {@code by} is null) with {@code failure}. */
  public static void watchEnded(String jobId, JobStatus status, DetectedBy by, Throwable failure,
      int polls, long waitedNanos) {
    SINK.watchEnded(jobId, status, by, failure, polls, waitedNanos);
  }

  /** A registration request is about to go out; the token goes to {@link #registrationEnd}. */
  public static Object registrationBegin() {
    return SINK.registrationBegin();
  }

  /** The registration's outcome: {@code failure} null when it succeeded. */
  public static void registrationEnd(Object token, int attempt, Throwable failure) {
    SINK.registrationEnd(token, attempt, failure);
  }
}
