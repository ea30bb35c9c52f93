package io.vtstatus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code wait=N} in {@code Prefer} and {@code Preference-Applied} (RFC 7240). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WaitPreferenceTest {
  @Test
  void theWaitIsFoundAmongOtherPreferencesAndParameters() {
    assertEquals(OptionalLong.of(50), Protocol.waitPreference("wait=50"));
    assertEquals(OptionalLong.of(10), Protocol.waitPreference("respond-async, wait=10"));
    assertEquals(OptionalLong.of(7), Protocol.waitPreference(" WAIT=7 ; x=y , handling=lenient"));
    assertEquals(OptionalLong.of(0), Protocol.waitPreference("wait=0"));
  }

  @Test
  void nothingUsableIsNoWait() {
    for (String h : new String[] {"", "wait", "wait=", "wait=-1", "wait=1.5", "wait=abc",
        "respond-async", "await=5"}) {
      assertEquals(OptionalLong.empty(), Protocol.waitPreference(h), h);
    }
    assertEquals(OptionalLong.empty(), Protocol.waitPreference(null));
  }

  @Test
  void aHugeWaitIsCappedAtADay() {
    assertEquals(OptionalLong.of(Protocol.MAX_WAIT_SECONDS), Protocol.waitPreference("wait=99999999999999"));
    assertEquals(OptionalLong.of(Protocol.MAX_WAIT_SECONDS), Protocol.waitPreference("wait=999999"));
    assertEquals(OptionalLong.of(86_400), Protocol.waitPreference("wait=86400"));
  }
}
