package io.vtstatus.internal.webhook;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wire format, checked against the specification's published example and the JDK's HMAC. */
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
    byte[] content = Signatures.content(SPEC_ID, SPEC_TS, SPEC_BODY.getBytes(StandardCharsets.UTF_8));
    assertEquals(SPEC_SIGNATURE, Signatures.entry(Signatures.V1, Signatures.hmac(KEY, content)));
  }

  @Test
  void theSignedContentIsIdDotTimestampDotTheBodysBytes() throws Exception {
    byte[] body = {'{', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '}'}; // not even valid UTF-8
    byte[] content = Signatures.content("m", 7, body);
    assertArrayEquals(new byte[] {'m', '.', '7', '.', '{', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '}'},
        content);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    assertArrayEquals(mac.doFinal(content), Signatures.hmac(KEY, content));
    assertArrayEquals("é.-1.".getBytes(StandardCharsets.UTF_8), Signatures.content("é", -1, new byte[0]));
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
  void parseReadsEveryWellFormedEntryInOrderAndSkipsTheRest() {
    List<Signatures.Entry> e = Signatures.parse("  v1,AAAA  v1a,AQID v2,BAUG ,AAAA v1 v1,@@@ x,   ");
    assertEquals(List.of("v1", "v1a", "v2", "x"), schemes(e));
    assertArrayEquals(new byte[3], e.get(0).signature());
    assertArrayEquals(new byte[] {1, 2, 3}, e.get(1).signature());
    assertArrayEquals(new byte[0], e.get(3).signature(), "an empty signature is an entry that matches nothing");
    assertEquals(List.of(), Signatures.parse(""));
    assertEquals(List.of(), Signatures.parse("   "));
    assertEquals(List.of("V1"), schemes(Signatures.parse("V1,AAAA")), "schemes keep their case");
  }

  @Test
  void parseLooksAtTheFirstSixteenEntriesOnly() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Signatures.MAX_ENTRIES + 5; i++) {
      parts.add("s" + i + ",AAAA");
    }
    List<Signatures.Entry> e = Signatures.parse(String.join(" ", parts));
    assertEquals(Signatures.MAX_ENTRIES, e.size());
    assertEquals("s15", e.get(15).scheme());
    // Malformed entries count towards the cap: junk cannot push work past it.
    List<String> junk = new ArrayList<>();
    for (int i = 1; i < Signatures.MAX_ENTRIES; i++) {
      junk.add("junk");
    }
    junk.add("v1,AAAA");
    assertEquals(16, junk.size());
    assertEquals(List.of("v1"), schemes(Signatures.parse(String.join(" ", junk))));
    junk.add(0, "more-junk");
    assertEquals(List.of(), schemes(Signatures.parse(String.join(" ", junk))));
  }

  @Test
  void headerValuesAreFoundWhateverTheCaseOfTheMapsKeys() {
    Map<String, List<String>> h = new HashMap<>();
    h.put("Webhook-Signature", List.of("v1,a"));
    h.put("webhook-signature", List.of("v1,b", "v1,c"));
    h.put("WEBHOOK-ID", Arrays.asList("x", null));
    h.put("other", List.of("v1,z"));
    h.put(null, List.of("v1,null-key"));
    h.put("webhook-timestamp", null);
    List<String> sig = Signatures.values(h, "webhook-signature");
    sig.sort(null);
    assertEquals(List.of("v1,a", "v1,b", "v1,c"), sig);
    assertEquals(List.of("x"), Signatures.values(h, "Webhook-Id"));
    assertEquals(List.of(), Signatures.values(h, "webhook-timestamp"));
    assertEquals(List.of(), Signatures.values(new TreeMap<>(), "webhook-id"));
  }

  private static List<String> schemes(List<Signatures.Entry> entries) {
    List<String> out = new ArrayList<>();
    entries.forEach(e -> out.add(e.scheme()));
    return out;
  }
}
