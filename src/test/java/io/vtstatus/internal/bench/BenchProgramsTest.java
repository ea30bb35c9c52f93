package io.vtstatus.internal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-file benchmark programs in {@code src/bench/programs} are run from source against
 * the jar, so nothing else compiles them: here they compile against this build with every lint
 * on, so an API change that breaks or deprecates what they call is seen the day it is made.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchProgramsTest {
  @TempDir
  Path out;

  @Test
  void theProgramsCompileWithoutWarnings() throws IOException {
    Optional<ToolProvider> javac = ToolProvider.findFirst("javac");
    assumeTrue(javac.isPresent(), "no javac in this JDK");
    Path dir = Path.of("src", "bench", "programs");
    assumeTrue(Files.isDirectory(dir), "not run from the project directory");
    List<String> programs;
    try (Stream<Path> s = Files.list(dir)) {
      programs = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).sorted()
          .collect(Collectors.toList());
    }
    assertFalse(programs.isEmpty(), "no programs in " + dir);
    List<String> args = new ArrayList<>(List.of("--release", "17", "-Xlint:all", "-Werror",
        "-encoding", "UTF-8", "-cp", System.getProperty("java.class.path"), "-d", out.toString()));
    args.addAll(programs);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
    int code = javac.get().run(p, p, args.toArray(String[]::new));
    assertEquals(0, code, () -> "javac " + programs + ":\n" + log.toString(StandardCharsets.UTF_8));
  }
}
