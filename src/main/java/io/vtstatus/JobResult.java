package io.vtstatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a watched job ended.
 *
 * @param jobId the job's id
 * @param status its terminal status, {@link JobStatus#COMPLETED} or {@link JobStatus#ERROR}
 * @param detectedBy which signal told us first
 * @param polls how many status requests this watch sent
 * @param waited time from {@code watch()} to detection
 * @param updatedAt the server's {@code updated_at}, when it sent one
 */
public record JobResult(
    String jobId,
    JobStatus status,
    DetectedBy detectedBy,
    int polls,
    Duration waited,
    Optional<Instant> updatedAt) {

  /** Checks that every component is present and the status is terminal. */
  public JobResult {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detectedBy, "detectedBy");
    Objects.requireNonNull(waited, "waited");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("a result needs a terminal status, not " + status);
    }
  }

  /** True when the job completed successfully. */
  public boolean isCompleted() {
    return status == JobStatus.COMPLETED;
  }
}
