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
 * @param polls how many status requests the wait sent (from its first watch, for a resumed wait)
 * @param waited time from {@code watch()} to detection (from the first watch, for a resumed wait)
 * @param updatedAt the server's {@code updated_at}, when it sent one
 * @param output the job's output where the {@link JobProtocol} declares it: a JSON string as it
 *     is, any other JSON value as its compact JSON text; empty when absent or JSON null
 * @param error the error message of a failed job, read the same way
 * @param document the JSON text of the final status answer (or webhook body) that ended the
 *     watch, when there was one
 */
public record JobResult(
    String jobId,
    JobStatus status,
    DetectedBy detectedBy,
    int polls,
    Duration waited,
    Optional<Instant> updatedAt,
    Optional<String> output,
    Optional<String> error,
    Optional<String> document) {

  /**
   * Checks that every component is present and the status is terminal.
   *
   * @param jobId the job's id
   * @param status its terminal status
   * @param detectedBy which signal told us first
   * @param polls how many status requests the wait sent
   * @param waited time from {@code watch()} to detection
   * @param updatedAt the server's {@code updated_at}, when it sent one
   * @param output the job's output, when the protocol declares it
   * @param error a failed job's error message, when the protocol declares it
   * @param document the JSON text that ended the watch, when there was one
   */
  public JobResult {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(detectedBy, "detectedBy");
    Objects.requireNonNull(waited, "waited");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(document, "document");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("a result needs a terminal status, not " + status);
    }
  }

  /**
   * A result without output, error or document (the vtstatus protocol's shape).
   *
   * @param jobId the job's id
   * @param status its terminal status
   * @param detectedBy which signal told us first
   * @param polls how many status requests the wait sent
   * @param waited time from {@code watch()} to detection
   * @param updatedAt the server's {@code updated_at}, when it sent one
   */
  public JobResult(String jobId, JobStatus status, DetectedBy detectedBy, int polls,
      Duration waited, Optional<Instant> updatedAt) {
    this(jobId, status, detectedBy, polls, waited, updatedAt, Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /**
   * The components, with the document's length in place of its text: an answer may be a
   * megabyte, and a log line should not be.
   */
  @Override
  public String toString() {
    return "JobResult[jobId=" + jobId + ", status=" + status + ", detectedBy=" + detectedBy
        + ", polls=" + polls + ", waited=" + waited + ", updatedAt=" + updatedAt
        + ", output=" + abbreviated(output) + ", error=" + abbreviated(error)
        + ", document=" + document.map(d -> d.length() + " characters").orElse("none") + "]";
  }

  private static String abbreviated(Optional<String> s) {
    return s.map(v -> v.length() > 200 ? v.substring(0, 200) + "…" : v).orElse("none");
  }

  /**
   * True when the job completed successfully.
   *
   * @return true when the job completed successfully
   */
  public boolean isCompleted() {
    return status == JobStatus.COMPLETED;
  }
}
