package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.PollSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The adaptive factories SchedulesTest does not call: request cost only, and with a state file. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SchedulesFactoriesTest {
  @TempDir Path dir;

  @Test
  void adaptiveWithACostOnly() {
    PollSchedule s = Schedules.adaptive(Duration.ofMillis(70));
    assertInstanceOf(AdaptiveSchedule.class, s);
    assertEquals("adaptive(requestCost=PT0.07S)", s.toString());
  }

  @Test
  void adaptiveWithAStateFileSavesWhatItLearnsThere() {
    Path file = dir.resolve("learned.json");
    PollSchedule s = Schedules.adaptive(Duration.ofMillis(50), file);
    assertEquals("adaptive(requestCost=PT0.05S)", s.toString());
    s.jobFinished(Duration.ofSeconds(3));
    assertTrue(Files.isRegularFile(file), "the first job is saved at once");
  }

  @Test
  void adaptiveWithAStateFileAndWarningsWarnsThere() {
    List<String> warnings = new ArrayList<>();
    PollSchedule s = Schedules.adaptive(Duration.ofMillis(50), dir, warnings::add);
    assertEquals("adaptive(requestCost=PT0.05S)", s.toString());
    assertEquals(1, warnings.size(), "a directory is not a state file: " + warnings);
    assertTrue(warnings.get(0).contains("is a directory"), warnings.get(0));
  }
}
