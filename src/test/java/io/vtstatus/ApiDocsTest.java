package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported packages' API docs build with every doclint check and no warning, as {@code make
 * javadoc} builds them: a public method added without its {@code @param} or {@code @return}
 * fails here rather than in the docs users read.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiDocsTest {
  @TempDir
  Path out;

  @Test
  void exportedPackagesHaveCompleteJavadoc() {
    Optional<ToolProvider> javadoc = ToolProvider.findFirst("javadoc");
    assumeTrue(javadoc.isPresent(), "no javadoc tool in this JDK");
    Path sources = Path.of("src", "main", "java");
    assumeTrue(Files.isDirectory(sources), "not run from the project directory");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8);
    int code = javadoc.get().run(p, p, "--release", "17", "-Xdoclint:all", "-Xmaxwarns", "10000",
        "-Werror", "-quiet", "-d", out.toString(), "--module-source-path",
        "io.vtstatus=" + sources, "--module", "io.vtstatus");
    assertEquals(0, code, () -> "javadoc (make javadoc) reports:\n" + log.toString(StandardCharsets.UTF_8));
  }
}
