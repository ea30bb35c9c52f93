package io.vtstatus;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * We stopped waiting; the job did not fail. Carries the last status seen (usually {@link
 * JobStatus#PENDING}) so callers can tell "still running" from "never answered".
 */
public final class JobTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** The job we stopped waiting for. */
  private final String jobId;
  /** The last status the server reported. */
  private final JobStatus lastStatus;
  private final transient Duration waited;
  /** How many status requests the wait sent. */
  private final int polls;

  /**
   * A watch of {@code jobId} gave up after {@code waited} and {@code polls} polls.
   *
   * @param jobId the job's id
   * @param lastStatus the last status the server reported
   * @param waited how long the watch waited
   * @param polls how many status requests the wait sent
   */
  public JobTimeoutException(String jobId, JobStatus lastStatus, Duration waited, int polls) {
    super("gave up waiting for job " + jobId + " after " + waited.toMillis() + " ms and " + polls
        + " polls; last status seen: " + lastStatus.wireName());
    this.jobId = Objects.requireNonNull(jobId);
    this.lastStatus = Objects.requireNonNull(lastStatus);
    this.waited = waited;
    this.polls = polls;
  }

  /**
   * The job we stopped waiting for.
   *
   * @return the job we stopped waiting for
   */
  public String jobId() {
    return jobId;
  }

  /**
   * The last status the server reported ({@link JobStatus#PENDING} if none was seen).
   *
   * @return the last status the server reported
   */
  public JobStatus lastStatus() {
    return lastStatus;
  }

  /**
   * How long we waited.
   *
   * @return how long we waited
   */
  public Duration waited() {
    return waited == null ? Duration.ZERO : waited;
  }

  /**
   * How many status requests were sent.
   *
   * @return how many status requests were sent
   */
  public int polls() {
    return polls;
  }
}
