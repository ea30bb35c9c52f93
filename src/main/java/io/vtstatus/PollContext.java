package io.vtstatus;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link PollSchedule} knows when choosing the delay before the next poll.
 *
 * @param jobId the job being watched
 * @param attempt how many polls were answered so far (0 before the first poll)
 * @param elapsed time since {@code watch()} was called
 * @param lastStatus the last status seen ({@link JobStatus#PENDING} before any answer)
 * @param retryAfter the server's {@code Retry-After} from the last answer, if any
 * @param eta the server's {@code eta_ms} from the last answer, if any
 * @param progress the server's {@code progress} (0..100) from the last answer, if any
 * @param webhooksArriving true while verified webhooks are known to reach this client
 */
public record PollContext(
    String jobId,
    int attempt,
    Duration elapsed,
    JobStatus lastStatus,
    Optional<Duration> retryAfter,
    Optional<Duration> eta,
    OptionalInt progress,
    boolean webhooksArriving) {

  /** Checks that every component is present and {@code attempt} is not negative. */
  public PollContext {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(lastStatus, "lastStatus");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(eta, "eta");
    Objects.requireNonNull(progress, "progress");
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt < 0");
    }
  }

  /** The server's hint for the next poll: {@code Retry-After}, else {@code eta_ms}. */
  public Optional<Duration> serverHint() {
    return retryAfter.isPresent() ? retryAfter : eta;
  }
}
