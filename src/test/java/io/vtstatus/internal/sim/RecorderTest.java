package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecorderTest {
  @Test
  void keepsTheNewestWithinCountAndBytes() throws Exception {
    Recorder<String> r = new Recorder<>(5, 100, s -> s.length());
    for (int i = 0; i < 10; i++) {
      r.add("x" + i);
    }
    assertEquals(5, r.size(), "count bound");
    assertEquals(Optional.of("x5"), r.take(Duration.ZERO));
    r.add("y".repeat(60));
    r.add("z".repeat(60));
    assertEquals(1, r.size(), "byte bound: the 60-byte one before went");
    assertEquals(60, r.bytes());
    r.add("w".repeat(500));
    assertEquals(1, r.size(), "one record over the budget is still kept, alone");
    assertEquals(Optional.of("w".repeat(500)), r.take(Duration.ZERO));
    assertEquals(0, r.bytes());
    assertTrue(r.take(Duration.ofMillis(1)).isEmpty());
  }
}
