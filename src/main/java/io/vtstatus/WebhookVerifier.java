package io.vtstatus;

import io.vtstatus.internal.webhook.KeyRing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies Standard Webhooks deliveries, both schemes: {@code v1} (HMAC-SHA256 with a shared
 * {@code whsec_} secret) and {@code v1a} (Ed25519, verified with the sender's {@code whpk_}
 * public key). The sender signs {@code webhook-id + "." + webhook-timestamp + "." + body} and
 * sends {@code webhook-signature: v1,<base64> v1a,<base64> ...}; a delivery verifies when any
 * entry, of a scheme this verifier holds a key for, matches any of its keys (so old and new keys
 * both work during a rotation), and its timestamp is within the tolerance. Entries of other
 * schemes are skipped.
 *
 * <p>In your own {@code com.sun.net.httpserver} handler (or a servlet: any map of header lists
 * works, whatever the case of its names):
 *
 * <pre>{@code
 * // v1: the secret you registered; v1a: the public key the sender gave you. Either, or both.
 * WebhookVerifier verifier = WebhookVerifier.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
 *     "whpk_...");
 * server.createContext("/webhook", exchange -> {
 *   byte[] body = exchange.getRequestBody().readAllBytes();   // bound it in production
 *   try {
 *     verifier.verify(exchange.getRequestHeaders(), body);    // the raw bytes, never re-encoded
 *     exchange.sendResponseHeaders(204, -1);                   // then act on the body
 *   } catch (WebhookVerificationException e) {
 *     exchange.sendResponseHeaders(401, -1);                   // forged, tampered or stale
 *   }
 *   exchange.close();
 * });
 * }</pre>
 *
 * <p>Verify the body's bytes as received: parsing and re-serialising JSON, or decoding and
 * re-encoding text, changes bytes and breaks signatures. Immutable and thread-safe. It does not
 * remember ids: de-duplicate by {@code webhook-id} yourself (the {@link StatusClient} listener
 * does). To sign, and to make keys, see {@link WebhookSigner}.
 */
public final class WebhookVerifier {
  /** The default tolerance for clock skew and replays: 5 minutes either way. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private final KeyRing keys;
  private final Duration tolerance;
  private final Clock clock;

  private WebhookVerifier(KeyRing keys, Duration tolerance, Clock clock) {
    this.keys = keys;
    this.tolerance = tolerance;
    this.clock = clock;
  }

  /**
   * A verifier for one or more keys, each a {@code whsec_} secret ({@code v1}) or a {@code whpk_}
   * public key ({@code v1a}), with a 5-minute window.
   *
   * @param key the first key
   * @param more further keys, if any
   * @return the verifier
   * @throws IllegalArgumentException if a key is malformed, or is a {@code whsk_} secret key (a
   *     receiver verifies with the public half)
   */
  public static WebhookVerifier of(String key, String... more) {
    Objects.requireNonNull(more, "more");
    List<String> all = new ArrayList<>(1 + more.length);
    all.add(Objects.requireNonNull(key, "key"));
    all.addAll(List.of(more));
    return of(all);
  }

  /**
   * A verifier for {@code keys}, at least one, each a {@code whsec_} secret or a {@code whpk_}
   * public key, with a 5-minute window.
   *
   * @param keys the keys, at least one
   * @return the verifier
   * @throws IllegalArgumentException if there is none or one is not a valid key
   */
  public static WebhookVerifier of(Collection<String> keys) {
    return new WebhookVerifier(KeyRing.of(keys), DEFAULT_TOLERANCE, Clock.systemUTC());
  }

  /**
   * A copy that accepts timestamps up to {@code tolerance} away from now, past or future.
   *
   * @param tolerance how far from now a timestamp may be, positive
   * @return the copy
   */
  public WebhookVerifier tolerance(Duration tolerance) {
    Objects.requireNonNull(tolerance, "tolerance");
    if (tolerance.isNegative()) {
      throw new IllegalArgumentException("Invalid duration: " + tolerance);
    }
    return new WebhookVerifier(keys, tolerance, clock);
  }

  /**
   * A copy that reads the current time from {@code clock} (for tests).
   *
   * @param clock the clock
   * @return the copy
   */
  public WebhookVerifier clock(Clock clock) {
    return new WebhookVerifier(keys, tolerance, Objects.requireNonNull(clock, "clock"));
  }

  /**
   * How far from now a delivery's timestamp may be, past or future.
   *
   * @return the tolerance: 5 minutes unless {@link #tolerance(Duration)} changed it
   */
  public Duration tolerance() {
    return tolerance;
  }

  /**
   * Checks one delivery over the exact bytes of its body. Returns normally when a signature
   * matches and the timestamp is within the window.
   *
   * @param id the {@code webhook-id} header
   * @param timestamp the {@code webhook-timestamp} header: Unix seconds
   * @param signature the {@code webhook-signature} header
   * @param body the body's bytes as received
   * @throws WebhookVerificationException saying what is wrong: a header or the body missing, a
   *     malformed timestamp, a stale or future one, or no matching signature
   */
  public void verify(String id, String timestamp, String signature, byte[] body)
      throws WebhookVerificationException {
    keys.verify(id, timestamp, signature, body, clock.instant().getEpochSecond(), tolerance.getSeconds());
  }

  /**
   * Checks one delivery whose body you hold as text: it is verified as UTF-8, which is right only
   * if the sender sent exactly that text in UTF-8. Prefer the {@code byte[]} form with the bytes
   * as received.
   *
   * @param id the {@code webhook-id} header
   * @param timestamp the {@code webhook-timestamp} header: Unix seconds
   * @param signature the {@code webhook-signature} header
   * @param body the body as text
   * @throws WebhookVerificationException as {@link #verify(String, String, String, byte[])}
   */
  public void verify(String id, String timestamp, String signature, String body)
      throws WebhookVerificationException {
    verify(id, timestamp, signature, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Checks one delivery given its request headers, as {@code HttpExchange.getRequestHeaders()}
   * or any map of header lists: names are matched whatever their case, several {@code
   * webhook-signature} values add up, and several different {@code webhook-id} or {@code
   * webhook-timestamp} values are malformed.
   *
   * @param headers the request's headers, names in any case
   * @param body the body's bytes as received
   * @throws WebhookVerificationException as {@link #verify(String, String, String, byte[])}
   */
  public void verify(Map<String, List<String>> headers, byte[] body)
      throws WebhookVerificationException {
    Objects.requireNonNull(headers, "headers");
    verify(KeyRing.header(headers, "webhook-id", false),
        KeyRing.header(headers, "webhook-timestamp", false),
        KeyRing.header(headers, "webhook-signature", true), body);
  }

  @Override
  public String toString() {
    return "WebhookVerifier[" + keys + ", tolerance " + tolerance + "]";
  }
}
