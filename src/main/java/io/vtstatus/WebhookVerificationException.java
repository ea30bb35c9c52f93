package io.vtstatus;

import java.security.GeneralSecurityException;
import java.util.Objects;

/** A webhook failed verification; {@link #reason()} says how. */
public final class WebhookVerificationException extends GeneralSecurityException {
  private static final long serialVersionUID = 1L;

  /** Why a webhook was rejected. */
  public enum Reason {
    /** A required header or the body is missing. */
    MISSING_HEADERS,
    /** A header is not in the expected form. */
    MALFORMED,
    /** The timestamp is outside the replay window (too old or in the future). */
    STALE_TIMESTAMP,
    /** No signature matched: wrong secret, or a tampered id, timestamp or body. */
    BAD_SIGNATURE
  }

  /** Why the delivery was refused. */
  private final Reason reason;

  /**
   * A refusal for {@code reason}.
   *
   * @param reason why the delivery was refused
   * @param message the detail message
   */
  public WebhookVerificationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  /**
   * Why the delivery was refused.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }
}
