package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one holder of header values: what it accepts, hands out, remembers and redacts. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CredentialsTest {
  private static final String SECRET = "sk-live-0123456789abcdef";

  @Test
  void noneIsEmptyAndRedactsNothing() {
    assertTrue(Credentials.NONE.isEmpty());
    assertFalse(Credentials.NONE.rotating());
    assertEquals(Map.of(), Credentials.NONE.values());
    assertEquals("x " + SECRET, Credentials.NONE.redact("x " + SECRET));
    assertNull(Credentials.NONE.redact(null));
    assertEquals("[]", Credentials.NONE.toString());
  }

  @Test
  void fixedValuesAreReadOnceAndRotatingOnesPerRequest() {
    AtomicInteger fixedAsked = new AtomicInteger();
    AtomicInteger rotatingAsked = new AtomicInteger();
    Credentials c = Credentials.NONE
        .with("X-Api-Key", () -> "k" + fixedAsked.incrementAndGet(), false)
        .with("Authorization", () -> "Bearer t" + rotatingAsked.incrementAndGet(), true);
    assertEquals(1, fixedAsked.get(), "a fixed value is read when given");
    assertFalse(c.isEmpty());
    assertTrue(c.rotating());
    assertEquals(Map.of("X-Api-Key", "k1", "Authorization", "Bearer t1"), c.values());
    assertEquals(Map.of("X-Api-Key", "k1", "Authorization", "Bearer t2"), c.values());
    assertEquals(1, fixedAsked.get());
    assertFalse(Credentials.NONE.with("A", () -> "v", false).rotating());
  }

  @Test
  void settingANameAgainReplacesItWhateverItsCase() {
    Credentials c = Credentials.NONE.with("x-api-key", () -> "old", false)
        .with("B", () -> "b", false).with("X-API-KEY", () -> "new", false);
    assertEquals(List.of("B", "X-API-KEY"), List.copyOf(c.values().keySet()));
    assertEquals("new", c.values().get("X-API-KEY"));
  }

  @Test
  void toStringNamesHeadersOnly() {
    Credentials c = Credentials.NONE.with("Authorization", () -> SECRET, false);
    c.values();
    assertEquals("[Authorization: [redacted]]", c.toString());
  }

  @Test
  void redactsEveryValueHandedOutAndEachLongPart() {
    Credentials c = Credentials.NONE.with("Authorization", () -> "Bearer " + SECRET, false);
    assertEquals("echo Bearer " + SECRET, c.redact("echo Bearer " + SECRET), "nothing sent yet");
    c.values();
    assertEquals("echo [redacted]", c.redact("echo Bearer " + SECRET));
    assertEquals("token=[redacted]!", c.redact("token=" + SECRET + "!"), "the token alone");
    assertEquals("Bearer is a word", c.redact("Bearer is a word"), "short parts stay");
    Credentials eight = Credentials.NONE.with("A", () -> "Bearer abcdefgh", false);
    eight.values();
    assertEquals("[redacted] abcdefg", eight.redact("abcdefgh abcdefg"), "eight characters are a part");
    Credentials seven = Credentials.NONE.with("A", () -> "Bearer abcdefg", false);
    seven.values();
    assertEquals("abcdefg", seven.redact("abcdefg"));
  }

  @Test
  void remembersTheLastFewRotatingValues() {
    AtomicInteger n = new AtomicInteger();
    Credentials c = Credentials.NONE.with("T", () -> "rotating-value-" + n.incrementAndGet(), true);
    for (int i = 0; i < 20; i++) {
      c.values();
    }
    assertEquals("[redacted] [redacted]", c.redact("rotating-value-20 rotating-value-13"));
    assertEquals("rotating-value-12", c.redact("rotating-value-12"), "older ones are forgotten");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Bad Name", "X:y", "a\nb", "Host", "content-length", "ACCEPT",
      "Content-Type", "User-Agent", "Idempotency-Key", "Connection", "Transfer-Encoding", "Upgrade",
      "Expect", "TE", "Trailer", "Keep-Alive", "Proxy-Connection"})
  void refusesBadAndReservedNames(String name) {
    assertThrows(IllegalArgumentException.class, () -> Credentials.NONE.with(name, () -> "v", false));
  }

  @Test
  void refusesNullAndOverlongNames() {
    assertThrows(IllegalArgumentException.class, () -> Credentials.NONE.with(null, () -> "v", false));
    Credentials.NONE.with("X".repeat(256), () -> "v", false);
    assertThrows(IllegalArgumentException.class,
        () -> Credentials.NONE.with("X".repeat(257), () -> "v", false));
    Credentials.NONE.with("!#$%&'*+-.^_`|~09azAZ", () -> "v", false);
  }

  @Test
  void refusesValuesARequestCannotCarryWithoutQuotingThem() {
    for (String v : new String[] {SECRET + "\r\nX: y", SECRET + "\n", "\u0000" + SECRET,
        SECRET + "\u007f", SECRET + "\u20ac"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Credentials.NONE.with("Authorization", () -> v, false));
      assertFalse(e.getMessage().contains(SECRET), e.getMessage());
      assertTrue(e.getMessage().contains("Authorization"), e.getMessage());
    }
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> Credentials.NONE.with("A", () -> null, false));
    assertTrue(none.getMessage().contains("no value"), none.getMessage());
    Credentials.NONE.with("A", () -> "tab\tand latin-1 \u00e9\u00ff", false);
    Credentials throwing = Credentials.NONE.with("A", () -> {
      throw new IllegalArgumentException(SECRET);
    }, true);
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class, throwing::values);
    assertEquals("Header A's value supplier threw java.lang.IllegalArgumentException", t.getMessage());
    Credentials bad = Credentials.NONE.with("A", () -> "line\nbreak", true);
    assertThrows(IllegalArgumentException.class, bad::values, "a rotating value is checked per request");
  }
}
