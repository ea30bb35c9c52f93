package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Learned state survives the process: saved atomically, read tolerantly, never clobbering. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StateFileTest {
  static final Duration COST = Duration.ofMillis(50);

  @TempDir
  Path dir;

  long now;
  final List<String> warnings = new ArrayList<>();

  AdaptiveSchedule open(Path file) {
    return new AdaptiveSchedule(COST, AdaptiveSchedule.DEFAULT_MIN, AdaptiveSchedule.DEFAULT_MAX,
        () -> now, Optional.of(new StateFile(file, warnings::add)));
  }

  /** Jobs one after another, a second apart on the fake clock (so every one is saved). */
  void learn(AdaptiveSchedule s, TrueDurations d, int jobs, long seed) {
    Random rnd = new Random(seed);
    for (int i = 0; i < jobs; i++) {
      double x = d.sample(rnd);
      now += Math.round(x * 1e9) + 1_000_000_000L;
      s.jobFinished(Duration.ofNanos(Math.round(x * 1e9)));
    }
  }

  @Test
  void aNewProcessStartsWithWhatTheLastOneLearned() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule first = open(file);
    learn(first, TrueDurations.lognormal(3, 0.3), 200, 1);
    first.replan();
    assertTrue(Files.exists(file));
    AdaptiveSchedule second = open(file);
    assertNotNull(second.plan(), "warm from the first job");
    assertEquals(200, second.histogram().count());
    assertEquals(first.missShare(), second.missShare(), 1e-6);
    assertEquals(first.model().quantile(0.5), second.model().quantile(0.5), 1e-3 * 3);
    assertArrayEquals(first.plan().times, second.plan().times, 1e-3);
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void theFileIsSmallJsonAndNoTemporaryFileIsLeft() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule s = open(file);
    learn(s, TrueDurations.lognormal(3, 1.0), 500, 2);
    String text = Files.readString(file);
    assertTrue(text.length() < 6000, "a few KB, not " + text.length() + " bytes");
    assertTrue(text.contains("\"format\": \"vtstatus-adaptive-state\""), text);
    assertTrue(text.contains("\"version\": 1"), text);
    io.vtstatus.internal.json.Json.parseObject(text);
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void theFirstJobIsSavedAtOnceLaterOnesAtMostOnceASecond() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule s = open(file);
    s.jobFinished(Duration.ofSeconds(2));
    assertTrue(Files.readString(file).contains("\"jobs_ended\": 1,"));
    now += 500_000_000L;
    s.jobFinished(Duration.ofSeconds(2));
    assertTrue(Files.readString(file).contains("\"jobs_ended\": 1,"), "half a second later: not yet");
    now += 600_000_000L;
    s.jobFinished(Duration.ofSeconds(2));
    assertTrue(Files.readString(file).contains("\"jobs_ended\": 3,"), "a second later: saved");
  }

  @Test
  void aWatchThatGaveUpIsSavedAsCensored() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule s = open(file);
    s.watchEnded(Burst.ctx("j", 3, 30, io.vtstatus.JobStatus.PENDING));
    String text = Files.readString(file);
    assertTrue(text.contains("\"watches_given_up\": 1,"), text);
    assertEquals(1, open(file).histogram().censoredCount());
  }

  @Test
  void aDamagedFileIsAColdStartWithOneWarningAndIsRewritten() throws IOException {
    Path file = dir.resolve("model.json");
    Files.writeString(file, "{\"format\": \"vtstatus-adaptive-state\", \"version\": 1, \"bins\": 16");
    AdaptiveSchedule s = open(file);
    assertNull(s.plan());
    assertEquals(0, s.histogram().count());
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("damaged"), warnings.get(0));
    learn(s, TrueDurations.lognormal(3, 0.3), 30, 3);
    assertEquals(30, open(file).histogram().count(), "rewritten with what was learned");
    assertEquals(1, warnings.size(), "one warning, not one per save: " + warnings);
  }

  @Test
  void badNumbersInOurFileAreAColdStart() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule learned = open(file);
    learn(learned, TrueDurations.lognormal(3, 0.3), 30, 4);
    String good = Files.readString(file);
    for (String bad : List.of(
        good.replaceFirst("\"weights\": \\[", "\"weights\": [-1, "),
        good.replaceFirst("\"weights\": \\[", "\"weights\": [1e999, "),
        good.replaceFirst("\"first\": \\d+", "\"first\": 160"),
        good.replaceFirst("\"miss_share\": [^,]+", "\"miss_share\": 2"),
        good.replaceFirst("\"bins_per_decade\": 20", "\"bins_per_decade\": 10"),
        good.replaceFirst("\"squares\": \\[[^]]*]", "\"squares\": [1]"))) {
      assertTrue(!bad.equals(good));
      Files.writeString(file, bad);
      warnings.clear();
      AdaptiveSchedule s = open(file);
      assertEquals(0, s.histogram().count(), bad);
      assertEquals(1, warnings.size(), bad);
    }
  }

  @Test
  void aFileThatIsNotOursIsLeftAlone() throws IOException {
    for (byte[] foreign : List.of(
        "{\"name\": \"my important settings\"}".getBytes(StandardCharsets.UTF_8),
        "not json at all\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2},
        "{\"format\": \"vtstatus-adaptive-state\", \"version\": 2}".getBytes(StandardCharsets.UTF_8),
        new byte[StateFile.MAX_BYTES + 1])) {
      Path file = dir.resolve("model.json");
      Files.write(file, foreign);
      warnings.clear();
      AdaptiveSchedule s = open(file);
      learn(s, TrueDurations.lognormal(3, 0.3), 30, 5);
      assertArrayEquals(foreign, Files.readAllBytes(file), "never overwritten");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).contains("leaving it alone"), warnings.get(0));
      assertNotNull(s.plan(), "learns in memory all the same");
    }
  }

  @Test
  void anEmptyFileIsAColdStart() throws IOException {
    Path file = dir.resolve("model.json");
    Files.writeString(file, "");
    AdaptiveSchedule s = open(file);
    assertEquals(1, warnings.size());
    learn(s, TrueDurations.lognormal(3, 0.3), 25, 6);
    assertEquals(25, open(file).histogram().count());
  }

  @Test
  void aMissingFileIsAColdStartWithoutWarningAndItsDirectoryIsCreated() {
    Path file = dir.resolve("a/b/model.json");
    AdaptiveSchedule s = open(file);
    assertTrue(warnings.isEmpty());
    learn(s, TrueDurations.lognormal(3, 0.3), 25, 7);
    assertTrue(Files.exists(file));
  }

  @Test
  void anUnwritablePlaceWarnsOnceAndLearningGoesOn() throws IOException {
    Path blocker = dir.resolve("not-a-dir");
    Files.writeString(blocker, "x");
    AdaptiveSchedule s = open(blocker.resolve("model.json"));
    learn(s, TrueDurations.lognormal(3, 0.3), 40, 8);
    assertEquals(1, warnings.size(), warnings.toString());
    assertNotNull(s.plan());
    Path asDir = dir.resolve("adir");
    Files.createDirectory(asDir);
    warnings.clear();
    AdaptiveSchedule t = open(asDir);
    learn(t, TrueDurations.lognormal(3, 0.3), 5, 9);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(Files.isDirectory(asDir));
  }

  @Test
  void twoProcessesSharingAFileLoseLearningNeverTheFile() throws IOException {
    Path file = dir.resolve("model.json");
    AdaptiveSchedule a = open(file);
    AdaptiveSchedule b = open(file);
    learn(a, TrueDurations.lognormal(3, 0.3), 40, 10);
    learn(b, TrueDurations.lognormal(3, 0.3), 25, 11);
    AdaptiveSchedule c = open(file);
    assertEquals(25, c.histogram().count(), "the last writer's state, whole");
    assertTrue(warnings.isEmpty(), warnings.toString());
  }
}
