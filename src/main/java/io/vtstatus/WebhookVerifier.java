package io.vtstatus;

import io.vtstatus.internal.webhook.Signatures;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Verifies Standard Webhooks signatures: {@code webhook-id}, {@code webhook-timestamp} (epoch
 * seconds) and {@code webhook-signature} ({@code v1,<base64 HMAC-SHA256>}, several separated by
 * spaces during key rotation) over {@code id + "." + timestamp + "." + body}. For servers of
 * your own that receive our simulator's (or any Standard Webhooks sender's) events:
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.of(secret);
 * verifier.verify(headers.get("webhook-id"), headers.get("webhook-timestamp"),
 *     headers.get("webhook-signature"), body);          // throws if forged or stale
 * }</pre>
 *
 * <p>Immutable and thread-safe. It does not remember ids: de-duplicate by {@code webhook-id}
 * yourself (the {@link StatusClient} listener does).
 */
public final class WebhookVerifier {
  /** The default tolerance for clock skew and replays: 5 minutes either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final byte[] key;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(byte[] key, Duration tolerance, Clock clock) {
    this.key = key;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /** A verifier for {@code secret} ({@code whsec_<base64>}) with a 5-minute window. */
  public static WebhookVerifier of(String secret) {
    requireValidSecret(secret);
    return new WebhookVerifier(Signatures.key(secret), DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /** A copy that accepts timestamps up to {@code tolerance} away from now. */
  public WebhookVerifier tolerance(Duration tolerance) {
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("Invalid duration: " + tolerance);
    }
    return new WebhookVerifier(key, tolerance, clock);
  }

  /** A copy that reads the current time from {@code clock} (for tests). */
  public WebhookVerifier clock(Clock clock) {
    return new WebhookVerifier(key, tolerance, Objects.requireNonNull(clock, "clock"));
  }

  public Duration tolerance() {
    return tolerance;
  }

  /**
   * Checks one delivery. Returns normally when the signature matches and the timestamp is
   * within the window.
   *
   * @throws WebhookVerificationException saying what is wrong: a header missing or malformed, a
   *     stale or future timestamp, or no matching signature
   */
  public void verify(String id, String timestamp, String signature, String body)
      throws WebhookVerificationException {
    if (id == null || id.isEmpty() || timestamp == null || signature == null) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MISSING_HEADERS,
          "webhook-id, webhook-timestamp and webhook-signature are required");
    }
    if (body == null) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MISSING_HEADERS, "no body");
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.MALFORMED, "webhook-timestamp is not epoch seconds");
    }
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - ts) > tolerance.getSeconds()) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.STALE_TIMESTAMP,
          "webhook-timestamp " + ts + " is " + (now - ts) + " s from now (window "
              + tolerance.getSeconds() + " s)");
    }
    if (!Signatures.matches(key, id, ts, body, signature)) {
      throw new WebhookVerificationException(
          WebhookVerificationException.Reason.BAD_SIGNATURE, "no matching v1 signature");
    }
  }

  /** Computes the {@code webhook-signature} a sender would send (for tests and senders). */
  public String sign(String id, long timestampSeconds, String body) {
    return Signatures.sign(key, id, timestampSeconds, body);
  }

  static void requireValidSecret(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (!Signatures.isValidSecret(secret)) {
      throw new IllegalArgumentException(
          "Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes");
    }
  }
}
