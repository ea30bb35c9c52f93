package io.vtstatus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobStatus;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProtocolRulesTest {
  private static final Pattern RULE = Pattern.compile(Protocol.JOB_ID_RULE);

  @ParameterizedTest
  @ValueSource(strings = {"a", "default", "job_0123456789abcdef", "A.b-c_9", "-", "."})
  void acceptsIdsOfTheRule(String id) {
    assertTrue(Protocol.isJobId(id), id);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a/b", "a%2F", "ä", "job?x=1", "a\u0000", "١"})
  void refusesOthers(String id) {
    assertFalse(Protocol.isJobId(id), id);
  }

  @Test
  void lengthBoundIs128AndNullIsNoId() {
    assertTrue(Protocol.isJobId("x".repeat(128)));
    assertFalse(Protocol.isJobId("x".repeat(129)));
    assertFalse(Protocol.isJobId(null));
  }

  @Test
  void handCheckAgreesWithTheRuleOnRandomIds() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = r.nextInt(132);
      for (int k = 0; k < n; k++) {
        // Mostly ASCII around the allowed ranges, sometimes anything.
        b.append((char) (r.nextInt(8) == 0 ? r.nextInt(0x3000) : r.nextInt(0x20, 0x7f)));
      }
      String id = b.toString();
      assertEquals(RULE.matcher(id).matches(), Protocol.isJobId(id), id);
    }
  }

  @Test
  void statusBodyHasTheWireFieldsInOrder() {
    Instant t = Instant.parse("2026-11-28T17:20:01.123456789Z");
    assertEquals("{\"job\":\"job_1\",\"result\":\"completed\",\"status\":\"completed\","
        + "\"updated_at\":\"2026-11-28T17:20:01.123456Z\"}",
        Protocol.statusBody("job_1", JobStatus.COMPLETED, t).toString());
    assertEquals("2026-11-28T17:20:01.000000Z",
        Protocol.timestamp(Instant.parse("2026-11-28T17:20:01Z")));
  }

  @Test
  void detectedByWireNames() {
    assertEquals("webhook", DetectedBy.WEBHOOK.wireName());
    assertEquals("poll", DetectedBy.POLL.wireName());
  }
}
