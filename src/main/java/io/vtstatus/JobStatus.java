package io.vtstatus;

import java.util.Locale;
import java.util.Optional;

/** The status of a remote job, as the server reports it. */
public enum JobStatus {
  /** Still running (the server said {@code pending}, {@code queued}, {@code running}...). */
  PENDING,
  /** Finished successfully ({@code completed}, {@code success}, {@code succeeded}). */
  COMPLETED,
  /** Finished with an error ({@code error}, {@code failed}, {@code failure}). */
  ERROR;

  /**
   * True for {@link #COMPLETED} and {@link #ERROR}: the job will not change again.
   *
   * @return true for {@link #COMPLETED} and {@link #ERROR}: the job will not change again
   */
  public boolean isTerminal() {
    return this != PENDING;
  }

  /**
   * The protocol's word for this status: {@code pending}, {@code completed} or {@code error}.
   *
   * @return the protocol's word for this status
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Maps a server's word to a status, accepting the vocabulary of real backends
   * (case-insensitive); empty if the word is not one we know.
   *
   * @param word the server's word
   * @return the status, or empty for a word we do not know
   */
  public static Optional<JobStatus> fromWire(String word) {
    if (word == null) {
      return Optional.empty();
    }
    switch (word.trim().toLowerCase(Locale.ROOT)) {
      case "pending":
      case "queued":
      case "running":
      case "processing":
      case "in_progress":
        return Optional.of(PENDING);
      case "completed":
      case "complete":
      case "success":
      case "succeeded":
      case "done":
        return Optional.of(COMPLETED);
      case "error":
      case "failed":
      case "failure":
        return Optional.of(ERROR);
      default:
        return Optional.empty();
    }
  }
}
