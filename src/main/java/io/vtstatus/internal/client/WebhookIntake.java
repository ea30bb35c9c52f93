package io.vtstatus.internal.client;

import io.vtstatus.JobListener;
import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.jfr.Flight;
import io.vtstatus.internal.util.ExpiringMap;
import io.vtstatus.internal.webhook.KeyRing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one path every webhook delivery takes, whoever received it (the built-in listener, or the
 * application's own server through {@code StatusClient.acceptWebhook}): size, UTF-8, the
 * client's {@link WebhookScheme}, the protocol's body shape, replays. Everything it is given is
 * untrusted: it answers every delivery with a definite status, never throws, and changes nothing
 * for a delivery it refuses. It does not act: it returns what to do, so the caller answers the
 * sender first and acts after (or elsewhere).
 *
 * <p>Only a delivery the scheme verified may end a watch; anything else is a hint, confirmed by
 * one status read. A verified Standard Webhooks id is remembered (a forger must not be able to
 * burn a real event's id), so a retry or a replay is acknowledged and ignored.
 *
 * <p>Thread-safe: any number of threads may deliver at once.
 */
final class WebhookIntake {
  static final int MAX_SEEN_IDS = 100_000;
  static final long SEEN_ID_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

  /**
   * What to answer ({@code code}, {@code reason} for a refusal) and what to do once answered;
   * the job and status its body named, when it was read that far (null otherwise).
   */
  record Verdict(int code, String reason, Runnable act, String jobId, JobStatus status) {
    Verdict(int code, String reason, Runnable act) {
      this(code, reason, act, null, null);
    }
  }

  private final WebhookSink sink;
  private final JobListener listener;
  private final ProtocolSpec protocol;
  private final WebhookScheme scheme;
  private final Clock clock;
  private final int maxBody;
  private final Runnable askForKeys;
  private final ExpiringMap<String, Boolean> seen =
      new ExpiringMap<>(MAX_SEEN_IDS, SEEN_ID_TTL_NANOS, System::nanoTime);
  private final TrustedKeys keys;

  /**
   * @param keys what Standard Webhooks deliveries are verified with (registration changes them)
   * @param maxBody the largest body accepted, in bytes
   * @param askForKeys registers again soon: called when deliveries suggest the sender's keys
   *     changed (the registration answer carries the new ones)
   */
  WebhookIntake(WebhookSink sink, JobListener listener, TrustedKeys keys, WebhookScheme scheme,
      ProtocolSpec protocol, Clock clock, int maxBody, Runnable askForKeys) {
    this.sink = sink;
    this.listener = listener;
    this.protocol = protocol;
    this.scheme = scheme;
    this.clock = clock;
    this.maxBody = maxBody;
    this.askForKeys = askForKeys;
    this.keys = keys;
  }

  int maxBody() {
    return maxBody;
  }

  /**
   * Checks one delivery: {@code 204} verified, {@code 202} a hint, {@code 400} malformed,
   * {@code 401} refused, {@code 413} too large. A refusal is reported to the listener.
   */
  Verdict check(Map<String, List<String>> headers, byte[] body) {
    Object flight = Flight.webhookBegin();
    Verdict v = judge(headers, body);
    Flight.webhookEnd(flight, v.jobId(), v.status(), v.code() == 204, v.code());
    return v;
  }

  private Verdict judge(Map<String, List<String>> headers, byte[] body) {
    try {
      return verdict(headers == null ? Map.of() : headers, body);
    } catch (Rejection r) {
      listener.webhookRejected(r.code, r.getMessage());
      return new Verdict(r.code, r.getMessage(), null);
    } catch (RuntimeException e) {
      // A map whose iteration throws, or a bug of ours: the sender still gets an answer.
      String why = "unreadable delivery (" + e.getClass().getSimpleName() + ")";
      listener.webhookRejected(400, why);
      return new Verdict(400, why, null);
    }
  }

  private Verdict verdict(Map<String, List<String>> headers, byte[] body) throws Rejection {
    if (body == null) {
      throw new Rejection(400, "no body");
    }
    if (body.length > maxBody) {
      throw new Rejection(413, "body over " + maxBody + " bytes");
    }
    // The signature covers these bytes as sent; the text is only for reading the event.
    String text;
    try {
      text = Json.utf8(body);
    } catch (JsonException e) {
      throw new Rejection(400, "body is not valid UTF-8: " + e.getMessage());
    }
    String id = null;
    boolean trusted;
    switch (scheme.kind()) {
      case SHARED_HEADER:
        if (!scheme.headerMatches(headers)) {
          throw new Rejection(401, "missing or wrong shared header");
        }
        trusted = true;
        break;
      case CHECK:
        if (!scheme.checkAccepts(headers, body)) {
          throw new Rejection(401, "refused by the webhook check");
        }
        trusted = true;
        break;
      case UNSIGNED:
        trusted = false;
        break;
      default:
        id = standardWebhooks(headers, body);
        trusted = id != null;
    }
    WebhookShape.Event e;
    try {
      e = protocol.readWebhook(text, maxBody);
    } catch (ProtocolException x) {
      throw new Rejection(400, x.getMessage());
    }
    if (id != null && !seen.putIfAbsent(id, Boolean.TRUE)) {
      return new Verdict(204, null, null, e.jobId(), e.answer().status());
    }
    boolean verified = trusted;
    Delivery raw = new Delivery(copy(headers), body.clone());
    return new Verdict(trusted ? 204 : 202, null,
        () -> sink.accept(e.jobId(), e.answer(), verified, raw), e.jobId(), e.answer().status());
  }

  /**
   * Verifies a Standard Webhooks delivery; returns its id when verified, null for an unsigned
   * one or a signed one we hold no key for yet (a hint either way).
   */
  private String standardWebhooks(Map<String, List<String>> headers, byte[] body) throws Rejection {
    String id;
    String ts;
    String sig;
    try {
      id = KeyRing.header(headers, "webhook-id", false);
      ts = KeyRing.header(headers, "webhook-timestamp", false);
      sig = KeyRing.header(headers, "webhook-signature", true);
    } catch (WebhookVerificationException e) {
      throw new Rejection(400, e.getMessage());
    }
    if (id == null && ts == null && sig == null) {
      return null;
    }
    if (id == null || ts == null || sig == null || id.isEmpty() || id.length() > 256) {
      throw new Rejection(400, "webhook-id, webhook-timestamp and webhook-signature go together");
    }
    if (!keys.any()) {
      return null;
    }
    KeyRing.Match m;
    try {
      m = keys.verify(id, ts, sig, body, clock.instant().getEpochSecond());
    } catch (WebhookVerificationException e) {
      switch (e.reason()) {
        case BAD_SIGNATURE:
          // Forged, or signed with keys we do not have yet (a rotation without overlap): the
          // registration answer tells which. The registrar rate-limits these.
          askForKeys.run();
          throw new Rejection(401, e.getMessage());
        case STALE_TIMESTAMP:
          throw new Rejection(401, e.getMessage());
        default:
          throw new Rejection(400, e.getMessage());
      }
    }
    if (m.unmatched() && keys.askForKeysOnce()) {
      askForKeys.run();
    }
    return id;
  }

  /** The headers as they were: the application may relay them long after the map changed. */
  private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() != null && h.getValue() != null) {
        List<String> values = new ArrayList<>(h.getValue().size());
        for (String v : h.getValue()) {
          if (v != null) {
            values.add(v);
          }
        }
        out.put(h.getKey(), Collections.unmodifiableList(values));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** A delivery refused, with the status and message to answer. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    Rejection(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
