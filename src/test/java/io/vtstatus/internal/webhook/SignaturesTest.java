package io.vtstatus.internal.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Standard Webhooks signing, checked against the specification's published example. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SignaturesTest {
  // The example of the Standard Webhooks reference libraries: secret, id, timestamp, payload and
  // the signature they publish for it. An implementation that disagrees is not interoperable.
  static final String SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  static final String SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  static final long SPEC_TS = 1614265330;
  static final String SPEC_BODY = "{\"test\": 2432232314}";
  static final String SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  private static final byte[] KEY = Signatures.key(SPEC_SECRET);

  @Test
  void signsTheSpecificationsExample() {
    assertEquals(SPEC_SIGNATURE, Signatures.sign(KEY, SPEC_ID, SPEC_TS, SPEC_BODY));
    assertTrue(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE));
  }

  @Test
  void hmacIsOverIdDotTimestampDotBody() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    byte[] expected = mac.doFinal("m.7.{\"é\":1}".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(expected, Signatures.hmac(KEY, "m", 7, "{\"é\":1}"));
  }

  @Test
  void keyIsTheBase64AfterThePrefix() {
    assertArrayEquals(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), KEY);
    assertArrayEquals(KEY, Signatures.key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "prefix optional");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Signatures.key("whsec_not base64!"));
    assertEquals("secret is not base64 after 'whsec_'", e.getMessage());
  }

  @Test
  void newSecretsAreValidRandomAnd24Bytes() {
    String a = Signatures.newSecret();
    String b = Signatures.newSecret();
    assertTrue(a.startsWith(Signatures.PREFIX), a);
    assertTrue(Signatures.isValidSecret(a), a);
    assertEquals(24, Signatures.key(a).length);
    assertNotEquals(a, b);
  }

  @Test
  void validSecretsNeedThePrefixAndAtLeast16BytesAndAtMost200Characters() {
    String sixteen = "whsec_" + Base64.getEncoder().encodeToString(new byte[16]);
    String fifteen = "whsec_" + Base64.getEncoder().encodeToString(new byte[15]);
    assertTrue(Signatures.isValidSecret(sixteen));
    assertFalse(Signatures.isValidSecret(fifteen));
    assertFalse(Signatures.isValidSecret(null));
    assertFalse(Signatures.isValidSecret(sixteen.substring("whsec_".length())), "no prefix");
    assertFalse(Signatures.isValidSecret("whsec_***not-base64***"));
  }

  @Test
  void lengthLimitIsExactly200Characters() {
    // Unpadded base64 (which the decoder accepts) lets the length land on 200 and 201 exactly.
    String unpadded = Base64.getEncoder().withoutPadding().encodeToString(new byte[145]);
    assertEquals(194, unpadded.length());
    assertTrue(Signatures.isValidSecret("whsec_" + unpadded), "200 characters");
    String unpadded201 = Base64.getEncoder().withoutPadding().encodeToString(new byte[146]);
    assertEquals(195, unpadded201.length());
    assertFalse(Signatures.isValidSecret("whsec_" + unpadded201), "201 characters");
  }

  @Test
  void anyOneOfSeveralSignaturesMatches() {
    String other = "v1," + Base64.getEncoder().encodeToString(new byte[32]);
    assertTrue(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE + " " + other),
        "a match followed by a mismatch still matches");
    assertTrue(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY, other + " " + SPEC_SIGNATURE));
    assertTrue(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY,
        "  v1,@@@   " + SPEC_SIGNATURE + "  "), "garbled parts and extra spaces are skipped");
    assertFalse(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY, other));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v1,", "v1", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
      "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O",
      "V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="})
  void otherSchemesAndTruncationsDoNotMatch(String header) {
    assertFalse(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY, header), header);
  }

  @Test
  void anyChangeToIdTimestampOrBodyBreaksTheMatch() {
    assertFalse(Signatures.matches(KEY, SPEC_ID + "x", SPEC_TS, SPEC_BODY, SPEC_SIGNATURE));
    assertFalse(Signatures.matches(KEY, SPEC_ID, SPEC_TS + 1, SPEC_BODY, SPEC_SIGNATURE));
    assertFalse(Signatures.matches(KEY, SPEC_ID, SPEC_TS, SPEC_BODY + " ", SPEC_SIGNATURE));
    assertFalse(Signatures.matches(Signatures.key(Signatures.newSecret()), SPEC_ID, SPEC_TS, SPEC_BODY,
        SPEC_SIGNATURE));
  }
}
