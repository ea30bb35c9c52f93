package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The examples compile against the library as users compile them: plain javac, class path. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExamplesTest {
  @Test
  void examplesCompile(@TempDir Path out) throws IOException {
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-Xlint:all", "-Werror",
        "-cp", System.getProperty("java.class.path")));
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    assertTrue(args.size() >= 9, "expected at least 3 examples: " + args);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(new String[0]));
    assertEquals(0, rc, err.toString());
  }
}
