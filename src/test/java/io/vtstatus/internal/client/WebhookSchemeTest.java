package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The schemes' own rules: the shared header's comparison and secrecy, the user's check. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookSchemeTest {
  private static final String VALUE = "sh4red-Secret-Value";

  @Test
  void aSharedHeaderMatchesExactlyOneExactValueWhateverTheNamesCase() {
    WebhookScheme s = WebhookScheme.sharedHeader("X-Hook-Auth", VALUE);
    assertEquals(WebhookScheme.Kind.SHARED_HEADER, s.kind());
    assertTrue(s.headerMatches(Map.of("x-hook-auth", List.of(VALUE))));
    assertTrue(s.headerMatches(Map.of("X-HOOK-AUTH", List.of(VALUE))));
    assertFalse(s.headerMatches(Map.of()));
    assertFalse(s.headerMatches(Map.of("X-Hook-Auth", List.of())));
    assertFalse(s.headerMatches(Map.of("X-Hook-Auth", List.of(VALUE + " "))));
    assertFalse(s.headerMatches(Map.of("X-Hook-Auth", List.of(VALUE.substring(1)))));
    assertFalse(s.headerMatches(Map.of("X-Hook-Auth", List.of(VALUE.toLowerCase()))));
    assertFalse(s.headerMatches(Map.of("X-Hook-Auth", List.of(VALUE, VALUE))), "one value");
    assertFalse(s.headerMatches(Map.of("X-Other", List.of(VALUE))));
    Map<String, List<String>> nulls = new HashMap<>();
    nulls.put("X-Hook-Auth", Arrays.asList(null, VALUE));
    assertTrue(s.headerMatches(nulls), "null values are absent ones");
  }

  @Test
  void theValueIsNeverPrintedOrQuoted() {
    WebhookScheme s = WebhookScheme.sharedHeader("X-Hook-Auth", VALUE);
    assertEquals("sharedHeader(X-Hook-Auth: [redacted])", s.toString());
    for (String bad : List.of("", "a\nb" + VALUE, VALUE + "\u0001")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> WebhookScheme.sharedHeader("X-Hook-Auth", bad));
      assertFalse(e.getMessage().contains(VALUE), e.getMessage());
      assertTrue(e.getMessage().contains("X-Hook-Auth"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> WebhookScheme.sharedHeader("X Auth", VALUE));
    assertThrows(IllegalArgumentException.class, () -> WebhookScheme.sharedHeader("", VALUE));
    assertThrows(NullPointerException.class, () -> WebhookScheme.sharedHeader(null, VALUE));
    assertThrows(NullPointerException.class, () -> WebhookScheme.sharedHeader("X", null));
  }

  @Test
  void theUsersCheckDecidesAndWhatItThrowsIsARefusal() {
    WebhookScheme yes = WebhookScheme.check((h, b) -> b.length == 2 && h.containsKey("k"));
    assertEquals(WebhookScheme.Kind.CHECK, yes.kind());
    assertTrue(yes.checkAccepts(Map.of("k", List.of()), new byte[2]));
    assertFalse(yes.checkAccepts(Map.of(), new byte[2]));
    assertFalse(WebhookScheme.check((h, b) -> {
      throw new IllegalStateException("leaks " + VALUE);
    }).checkAccepts(Map.of(), new byte[0]));
    assertFalse(WebhookScheme.check((h, b) -> {
      throw new AssertionError("an Error too");
    }).checkAccepts(Map.of(), new byte[0]));
    assertThrows(NullPointerException.class, () -> WebhookScheme.check(null));
    assertTrue(yes.toString().startsWith("check("), yes.toString());
  }

  @Test
  void theFixedKinds() {
    assertEquals(WebhookScheme.Kind.STANDARD_WEBHOOKS, WebhookScheme.STANDARD.kind());
    assertEquals(WebhookScheme.Kind.UNSIGNED, WebhookScheme.UNSIGNED.kind());
    assertEquals("standardWebhooks", WebhookScheme.STANDARD.toString());
    assertEquals("unsigned()", WebhookScheme.UNSIGNED.toString());
  }
}
