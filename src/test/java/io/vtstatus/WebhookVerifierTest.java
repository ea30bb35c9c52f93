package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.WebhookVerificationException.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WebhookVerifier} on a fixed clock: every reason, and the window's exact edges. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookVerifierTest {
  // The Standard Webhooks specification's example (see SignaturesTest).
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TS = 1614265330;
  private static final String BODY = "{\"test\": 2432232314}";
  private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static WebhookVerifier at(long epochSecond) {
    return WebhookVerifier.of(SECRET)
        .clock(Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
  }

  private static WebhookVerificationException rejected(WebhookVerifier v, String id, String ts,
      String sig, String body) {
    return assertThrows(WebhookVerificationException.class, () -> v.verify(id, ts, sig, body));
  }

  @Test
  void acceptsTheSpecificationsExampleAndSignsIt() throws Exception {
    at(TS).verify(ID, Long.toString(TS), SIGNATURE, BODY);
    at(TS).verify(ID, " " + TS + " ", SIGNATURE, BODY);
    at(TS).verify(ID, Long.toString(TS), SIGNATURE, BODY.getBytes(StandardCharsets.UTF_8));
    assertEquals(SIGNATURE, WebhookSigner.of(SECRET).sign(ID, TS, BODY));
    assertEquals(SIGNATURE, WebhookSigner.of(SECRET).sign(ID, TS, BODY.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aSecretWithoutItsPrefixIsTakenAsItsBase64() throws Exception {
    WebhookVerifier.of(SECRET.substring("whsec_".length()))
        .clock(Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC))
        .verify(ID, Long.toString(TS), SIGNATURE, BODY);
    assertEquals("WebhookOptions[port=0, bind=loopback, publicUrl=null, path=/webhook, secret=given,"
        + " verificationKeys=1]", WebhookOptions.port(0).secret(SECRET.substring(6))
            .verificationKeys(SECRET.substring(6)).toString());
    assertEquals(Optional.of(SECRET),
        WebhookOptions.port(0).secret(SECRET.substring(6)).secret(), "registered with its prefix");
  }

  @Test
  void theDefaultWindowIsFiveMinutesEitherWayInclusive() throws Exception {
    assertEquals(Duration.ofMinutes(5), WebhookVerifier.DEFAULT_TOLERANCE);
    assertEquals(Duration.ofMinutes(5), WebhookVerifier.of(SECRET).tolerance());
    at(TS + 300).verify(ID, Long.toString(TS), SIGNATURE, BODY);
    at(TS - 300).verify(ID, Long.toString(TS), SIGNATURE, BODY);
    WebhookVerificationException old = rejected(at(TS + 301), ID, Long.toString(TS), SIGNATURE, BODY);
    assertEquals(Reason.STALE_TIMESTAMP, old.reason());
    assertEquals("webhook-timestamp " + TS + " is 301 s from now (window 300 s)", old.getMessage());
    WebhookVerificationException future =
        rejected(at(TS - 301), ID, Long.toString(TS), SIGNATURE, BODY);
    assertEquals(Reason.STALE_TIMESTAMP, future.reason());
    assertTrue(future.getMessage().contains("-301 s from now"), future.getMessage());
  }

  @Test
  void toleranceIsACopyWithItsOwnWindow() throws Exception {
    WebhookVerifier strict = at(TS + 10).tolerance(Duration.ofSeconds(10));
    assertEquals(Duration.ofSeconds(10), strict.tolerance());
    strict.verify(ID, Long.toString(TS), SIGNATURE, BODY);
    assertEquals(Reason.STALE_TIMESTAMP,
        rejected(at(TS + 11).tolerance(Duration.ofSeconds(10)), ID, Long.toString(TS), SIGNATURE, BODY)
            .reason());
    WebhookVerifier exact = at(TS).tolerance(Duration.ZERO);
    exact.verify(ID, Long.toString(TS), SIGNATURE, BODY);
    assertEquals(Reason.STALE_TIMESTAMP,
        rejected(at(TS + 1).tolerance(Duration.ZERO), ID, Long.toString(TS), SIGNATURE, BODY).reason());
    WebhookVerifier original = WebhookVerifier.of(SECRET);
    original.tolerance(Duration.ofSeconds(1));
    assertEquals(WebhookVerifier.DEFAULT_TOLERANCE, original.tolerance(), "the original is unchanged");
    // The clock is kept by tolerance() and the tolerance by clock().
    WebhookVerifier both = WebhookVerifier.of(SECRET).tolerance(Duration.ofSeconds(2))
        .clock(Clock.fixed(Instant.ofEpochSecond(TS + 2), ZoneOffset.UTC));
    assertEquals(Duration.ofSeconds(2), both.tolerance());
    both.verify(ID, Long.toString(TS), SIGNATURE, BODY);
    WebhookVerifier both2 = at(TS + 2).tolerance(Duration.ofSeconds(2));
    both2.verify(ID, Long.toString(TS), SIGNATURE, BODY);
  }

  @Test
  void missingPartsAreMissingHeaders() {
    WebhookVerifier v = at(TS);
    String ts = Long.toString(TS);
    for (String[] c : new String[][] {{null, ts, SIGNATURE, BODY}, {"", ts, SIGNATURE, BODY},
        {ID, null, SIGNATURE, BODY}, {ID, ts, null, BODY}}) {
      WebhookVerificationException e = rejected(v, c[0], c[1], c[2], c[3]);
      assertEquals(Reason.MISSING_HEADERS, e.reason());
      assertEquals("webhook-id, webhook-timestamp and webhook-signature are required", e.getMessage());
    }
    WebhookVerificationException noBody = rejected(v, ID, ts, SIGNATURE, null);
    assertEquals(Reason.MISSING_HEADERS, noBody.reason());
    assertEquals("no body", noBody.getMessage());
  }

  @Test
  void aTimestampThatIsNotEpochSecondsIsMalformed() {
    for (String ts : new String[] {"", "soon", "1.5", "2021-02-25T15:02:10Z", "99999999999999999999"}) {
      WebhookVerificationException e = rejected(at(TS), ID, ts, SIGNATURE, BODY);
      assertEquals(Reason.MALFORMED, e.reason(), ts);
      assertEquals("webhook-timestamp is not epoch seconds", e.getMessage());
    }
  }

  @Test
  void anyTamperingIsABadSignature() {
    String ts = Long.toString(TS);
    for (String[] c : new String[][] {{ID + "x", ts, SIGNATURE, BODY},
        {ID, ts, SIGNATURE, BODY.replace("2", "3")}, {ID, ts, "v1,AAAA", BODY}, {ID, ts, "", BODY}}) {
      WebhookVerificationException e = rejected(at(TS), c[0], c[1], c[2], c[3]);
      assertEquals(Reason.BAD_SIGNATURE, e.reason());
      assertEquals("no matching v1 signature", e.getMessage());
    }
    // A signature made for another timestamp, sent with this one, inside the window.
    String signedLater = WebhookSigner.of(SECRET).sign(ID, TS + 1, BODY);
    assertEquals(Reason.BAD_SIGNATURE, rejected(at(TS), ID, ts, signedLater, BODY).reason());
    WebhookVerifier other = WebhookVerifier.of("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY")
        .clock(Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC));
    assertEquals(Reason.BAD_SIGNATURE, rejected(other, ID, ts, SIGNATURE, BODY).reason());
  }

  @Test
  void invalidArgumentsAreRefusedAtOnce() {
    assertThrows(NullPointerException.class, () -> WebhookVerifier.of((String) null));
    assertThrows(NullPointerException.class, () -> WebhookVerifier.of(SECRET, (String[]) null));
    assertThrows(NullPointerException.class, () -> WebhookVerifier.of(SECRET, (String) null));
    assertThrows(NullPointerException.class, () -> WebhookVerifier.of((java.util.List<String>) null));
    assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.of(java.util.List.of()));
    IllegalArgumentException sk = assertThrows(IllegalArgumentException.class,
        () -> WebhookVerifier.of(WebhookSigner.newKeyPair().secretKey()));
    assertTrue(sk.getMessage().contains("verify with its whpk_ public key"), sk.getMessage());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.of("whsec_c2hvcnQ="));
    assertTrue(e.getMessage().startsWith("Invalid webhook secret"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> WebhookVerifier.of("MfKQ9r8GKY!"));
    WebhookVerifier v = WebhookVerifier.of(SECRET);
    assertThrows(NullPointerException.class, () -> v.tolerance(null));
    IllegalArgumentException neg =
        assertThrows(IllegalArgumentException.class, () -> v.tolerance(Duration.ofSeconds(-1)));
    assertEquals("Invalid duration: PT-1S", neg.getMessage());
    assertThrows(NullPointerException.class, () -> v.clock(null));
    assertSame(WebhookVerifier.DEFAULT_TOLERANCE, v.tolerance());
  }
}
