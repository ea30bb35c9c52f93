package io.vtstatus;

import java.util.Locale;

/** Which signal told us a job had ended. */
public enum DetectedBy {
  /** A verified webhook from the server. */
  WEBHOOK,
  /** A {@code GET /status} answer (including one made to confirm an unsigned webhook). */
  POLL;

  /**
   * The word for this signal in output and JSON: {@code webhook} or {@code poll}.
   *
   * @return the word for this signal in output and JSON: {@code webhook} or {@code poll}
   */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
