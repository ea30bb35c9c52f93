package io.vtstatus;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a {@link PollSchedule} knows when choosing the delay before the next poll.
 *
 * <p>Two counts, each named for what it counts: {@code polls}, the status requests sent, the
 * count {@link JobResult#polls()} and the poll numbers of {@link JobListener} use; and {@code
 * answeredPolls}, those of them that were answered. They differ after a request failed. A first
 * poll is one with {@code polls() == 0}.
 *
 * @param jobId the job being watched
 * @param polls how many status requests the wait has sent so far (0 before the first); a wait
 *     continued by {@link StatusClient#resume(String)} counts from its first watch
 * @param answeredPolls how many requests this watch sent were answered (a failed request, a
 *     timeout included, is not); at most {@code polls}
 * @param elapsed time since {@code watch()} was called (since the first watch, for a resumed wait)
 * @param lastStatus the last status seen ({@link JobStatus#PENDING} before any answer)
 * @param retryAfter the server's {@code Retry-After} from the last answer, if any
 * @param eta the server's {@code eta_ms} from the last answer, if any
 * @param progress the server's {@code progress} (0..100) from the last answer, if any
 * @param webhooksArriving true while verified webhooks are known to reach this client
 */
public record PollContext(
    String jobId,
    int polls,
    int answeredPolls,
    Duration elapsed,
    JobStatus lastStatus,
    Optional<Duration> retryAfter,
    Optional<Duration> eta,
    OptionalInt progress,
    boolean webhooksArriving) {

  /**
   * Checks that every component is present, and {@code 0 <= answeredPolls <= polls}.
   *
   * @param jobId the job being watched
   * @param polls status requests the wait has sent
   * @param answeredPolls requests this watch sent that were answered
   * @param elapsed time since {@code watch()} was called
   * @param lastStatus the last status seen
   * @param retryAfter the server's {@code Retry-After} from the last answer, if any
   * @param eta the server's {@code eta_ms} from the last answer, if any
   * @param progress the server's {@code progress} from the last answer, if any
   * @param webhooksArriving whether verified webhooks are known to reach this client
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a count is negative, or more polls were answered than sent
   */
  public PollContext {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(lastStatus, "lastStatus");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(eta, "eta");
    Objects.requireNonNull(progress, "progress");
    if (answeredPolls < 0) {
      throw new IllegalArgumentException("answeredPolls < 0");
    }
    if (polls < answeredPolls) {
      throw new IllegalArgumentException("polls (" + polls + ") < answeredPolls (" + answeredPolls + ")");
    }
  }

  /**
   * A context whose {@code attempt} answered polls were all the polls sent.
   *
   * @param jobId the job being watched
   * @param attempt how many polls were sent and answered
   * @param elapsed time since {@code watch()} was called
   * @param lastStatus the last status seen
   * @param retryAfter the server's {@code Retry-After} from the last answer, if any
   * @param eta the server's {@code eta_ms} from the last answer, if any
   * @param progress the server's {@code progress} from the last answer, if any
   * @param webhooksArriving true while verified webhooks are known to reach this client
   * @deprecated {@code attempt} counted answered polls only: use the canonical constructor,
   *     which takes the polls sent and the polls answered
   */
  @Deprecated(since = "0.2.0", forRemoval = true)
  public PollContext(String jobId, int attempt, Duration elapsed, JobStatus lastStatus,
      Optional<Duration> retryAfter, Optional<Duration> eta, OptionalInt progress,
      boolean webhooksArriving) {
    this(jobId, attempt, attempt, elapsed, lastStatus, retryAfter, eta, progress, webhooksArriving);
  }

  /**
   * How many polls were answered.
   *
   * @return {@link #answeredPolls()}
   * @deprecated named for one count and meaning another: use {@link #answeredPolls()} for the
   *     same count, or {@link #polls()} for the requests sent (a first poll is {@code polls() ==
   *     0})
   */
  @Deprecated(since = "0.2.0", forRemoval = true)
  public int attempt() {
    return answeredPolls;
  }

  /**
   * The server's hint for the next poll: {@code Retry-After}, else {@code eta_ms}.
   *
   * @return the hint, or empty when the last answer gave neither
   */
  public Optional<Duration> serverHint() {
    return retryAfter.isPresent() ? retryAfter : eta;
  }
}
