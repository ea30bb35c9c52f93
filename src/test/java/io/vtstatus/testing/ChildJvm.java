package io.vtstatus.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program run in a child JVM: it must exit by itself, with 0, within a bound. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * Runs {@code cmd}, waits up to {@code seconds} for it to exit (a bound generous only for a
   * loaded machine's JVM start-up), and returns its output, stderr included.
   */
  public static String run(List<String> cmd, long seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    boolean exited = p.waitFor(seconds, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!exited) {
      p.destroyForcibly();
    }
    assertTrue(exited, "the JVM did not exit after main returned; output:\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
