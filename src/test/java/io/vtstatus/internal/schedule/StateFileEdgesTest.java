package io.vtstatus.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state file at its edges: first and last bin, miss share 0 and 1, size limit, unwritable. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StateFileEdgesTest {
  @TempDir Path dir;
  final List<String> warnings = new ArrayList<>();

  StateFile.Contents roundTrip(StateFile.Contents c) throws IOException {
    Path path = dir.resolve("s.json");
    new StateFile(path, warnings::add).save(c);
    return new StateFile(path, warnings::add).load(new DurationHistogram(100).bins()).orElseThrow();
  }

  @Test
  void theFirstAndLastBinsRoundTrip() throws IOException {
    DurationHistogram h = new DurationHistogram(1e9);
    h.add(0.0005); // bin 0
    h.add(0.01);
    h.add(90_000); // the last bin
    h.addCensored(0.0005);
    DurationHistogram.State s = h.state();
    StateFile.Contents back = roundTrip(new StateFile.Contents(s, 0.5));
    assertArrayEquals(s.ended.w, back.durations().ended.w, 1e-6);
    assertArrayEquals(s.censored.w, back.durations().censored.w, 1e-6);
    assertEquals(1, back.durations().ended.w[0], 1e-6);
    assertEquals(1, back.durations().ended.w[h.bins() - 1], 1e-6);
    assertEquals(3, back.durations().count);
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void anEmptyHistogramWritesNoZeros() {
    String text = StateFile.format(new StateFile.Contents(new DurationHistogram(100).state(), 0));
    assertTrue(!text.contains("0, 0"), text);
    assertTrue(text.length() < 600, "a few lines: " + text.length());
  }

  @Test
  void aMissShareOfExactlyZeroOrOneIsValid() throws IOException {
    DurationHistogram h = new DurationHistogram(100);
    h.add(2);
    assertEquals(0, roundTrip(new StateFile.Contents(h.state(), 0)).missShare());
    assertEquals(1, roundTrip(new StateFile.Contents(h.state(), 1)).missShare());
    assertTrue(warnings.isEmpty(), warnings.toString());
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws IOException {
    Path path = dir.resolve("big.json");
    Files.writeString(path, " ".repeat(StateFile.MAX_BYTES));
    StateFile f = new StateFile(path, warnings::add);
    assertTrue(f.load(100).isEmpty());
    assertEquals(1, warnings.size());
    assertTrue(warnings.get(0).contains("is empty"), "read, and blank: " + warnings);
    assertTrue(f.mayWrite(), "a blank file is rewritten");
  }

  @Test
  void aFileWhereADirectoryMustBeWarnsOnceAndCarriesOn() throws IOException {
    Files.writeString(dir.resolve("plain"), "x");
    StateFile f = new StateFile(dir.resolve("plain").resolve("s.json"), warnings::add);
    DurationHistogram h = new DurationHistogram(100);
    f.save(new StateFile.Contents(h.state(), 0));
    f.save(new StateFile.Contents(h.state(), 0));
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("cannot be written"), warnings.get(0));
  }
}
