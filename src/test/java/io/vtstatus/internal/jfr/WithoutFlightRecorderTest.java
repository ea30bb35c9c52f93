package io.vtstatus.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vtstatus.StatusClient;
import io.vtstatus.testing.ChildJvm;
import io.vtstatus.testing.NoJfrMain;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module only {@code requires static jdk.jfr}: on a runtime without it (here one {@code
 * jlink} builds with what the module requires and nothing else) the client and simulator still
 * run, on the module path and on the class path. Skipped where this JDK has no {@code jlink} or
 * cannot link (no jmods).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WithoutFlightRecorderTest {
  @TempDir
  static Path dir;
  static Path runtime;

  @BeforeAll
  static void link() {
    Optional<ToolProvider> jlink = ToolProvider.findFirst("jlink");
    assumeTrue(jlink.isPresent(), "no jlink in this JDK");
    runtime = dir.resolve("runtime");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code = jlink.get().run(p, p, "--add-modules", "java.base,java.net.http,jdk.httpserver",
        "--no-header-files", "--no-man-pages", "--strip-debug", "--output", runtime.toString());
    assumeTrue(code == 0, "jlink cannot link a runtime here: " + out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theModuleRunsWithoutJdkJfr() throws Exception {
    String out = run("-p", classes(StatusClient.class), "--add-modules", "io.vtstatus",
        "-cp", classes(NoJfrMain.class));
    assertEquals("jfr=false first=WEBHOOK second=POLL", out.strip());
  }

  @Test
  void theClassPathRunsWithoutJdkJfr() throws Exception {
    String out = run("-cp", classes(StatusClient.class) + java.io.File.pathSeparator
        + classes(NoJfrMain.class));
    assertEquals("jfr=false first=WEBHOOK second=POLL", out.strip());
  }

  private static String run(String... path) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(runtime.resolve("bin").resolve("java").toString(),
        "-Xmx64m"));
    cmd.addAll(List.of(path));
    cmd.add(NoJfrMain.class.getName());
    return ChildJvm.run(cmd, 90);
  }

  /** Where {@code c} was loaded from: the module's classes, or the tests'. */
  private static String classes(Class<?> c) throws Exception {
    Path p = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(p) || Files.isRegularFile(p), p.toString());
    return p.toString();
  }
}
