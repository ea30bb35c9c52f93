package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state file is written at once the first time, then at most once a second. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class AutosaveTest {
  @TempDir Path dir;
  long now = -5_000_000_000L; // nanoTime may be negative
  int asked;

  final Supplier<StateFile.Contents> contents = () -> {
    asked++;
    return new StateFile.Contents(new DurationHistogram(100).state(), 0.25);
  };

  @Test
  void firstAtOnceThenAtMostOncePerInterval() {
    Path path = dir.resolve("state.json");
    Autosave a = new Autosave(Optional.of(new StateFile(path)), () -> now);
    a.soon(contents);
    assertEquals(1, asked);
    assertTrue(Files.exists(path), "written at once");
    long every = Autosave.EVERY.toNanos();
    now += every - 1;
    a.soon(contents);
    assertEquals(1, asked, "one nanosecond short of the interval");
    now += 1;
    a.soon(contents);
    assertEquals(2, asked, "exactly the interval after the last save");
    now += every / 2;
    a.soon(contents);
    now += every / 2 - 1;
    a.soon(contents);
    assertEquals(2, asked, "the interval counts from the last save, not the last call");
    now += 1;
    a.soon(contents);
    assertEquals(3, asked);
  }

  @Test
  void anotherThreadMaySaveAfterThisOne() throws Exception {
    Autosave a = new Autosave(Optional.of(new StateFile(dir.resolve("state.json"))), () -> now);
    a.soon(contents);
    now += Autosave.EVERY.toNanos();
    Thread other = new Thread(() -> a.soon(contents), "autosave-test");
    other.setDaemon(true);
    other.start();
    other.join(5_000);
    assertEquals(2, asked, "the first save let go of its lock");
  }

  @Test
  void withoutAFileNothingIsAsked() {
    new Autosave(Optional.empty(), () -> now).soon(contents);
    assertEquals(0, asked);
  }

  @Test
  void aFileThatIsNotOursIsNeverWritten() throws IOException {
    Path path = dir.resolve("notes.txt");
    Files.writeString(path, "my notes");
    StateFile file = new StateFile(path, w -> {});
    file.load(new DurationHistogram(100).bins());
    assertFalse(file.mayWrite());
    new Autosave(Optional.of(file), () -> now).soon(contents);
    assertEquals(0, asked, "the contents are not even computed");
    assertEquals("my notes", Files.readString(path));
  }
}
