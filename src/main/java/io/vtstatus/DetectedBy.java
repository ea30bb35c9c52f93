package io.vtstatus;

/** Which signal told us a job had ended. */
public enum DetectedBy {
  /** A verified webhook from the server. */
  WEBHOOK,
  /** A {@code GET /status} answer (including one made to confirm an unsigned webhook). */
  POLL
}
