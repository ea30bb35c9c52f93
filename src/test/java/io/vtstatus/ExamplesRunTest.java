package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples compile as users compile them (plain javac, class path, and with every lint
 * warning an error, as the project's own code), run as users run them, each in a JVM of its own
 * against the library's classes, and print what {@code examples/expected-output.txt} says; and the
 * library works as a module on the module path, where its internals stay out of reach. ({@code
 * make examples} checks the same list against target/vtstatus.jar.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@Execution(ExecutionMode.CONCURRENT) // each example is a JVM of its own, mostly waiting
class ExamplesRunTest {
  private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
  private static Path library;
  private static Path classes;

  @TempDir
  static Path dir;

  @BeforeAll
  static void compileExamples() throws IOException, URISyntaxException {
    library = Path.of(StatusClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    classes = dir.resolve("classes");
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-Xlint:all", "-Werror",
        "-cp", library.toString()));
    args.addAll(examples().stream().map(n -> "examples/" + n + ".java").collect(Collectors.toList()));
    assertEquals("", javac(args));
  }

  /** The class-path examples: every {@code .java} file in {@code examples/}, by class name. */
  static List<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java"))
          .map(n -> n.substring(0, n.length() - ".java".length())).sorted().collect(Collectors.toList());
    }
  }

  /** The pattern {@code examples/expected-output.txt} gives {@code name}'s output. */
  private static String expected(String name) throws IOException {
    for (String l : Files.readAllLines(Path.of("examples", "expected-output.txt"))) {
      String[] f = l.split("\t", 2);
      if (!l.startsWith("#") && f.length == 2 && f[0].equals(name)) {
        return f[1];
      }
    }
    throw new AssertionError(name + " has no line in examples/expected-output.txt");
  }

  private static String javac(List<String> args) {
    JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = javac.run(null, null, err, args.toArray(new String[0]));
    return rc == 0 ? "" : err.toString(StandardCharsets.UTF_8) + " (exit " + rc + ")";
  }

  /** Runs {@code java args...} and returns what it printed; fails unless it exits 0 within 60 s. */
  private static String java(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(JAVA.toString(), "-Xmx256m"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    // Without a token, Replicate waits on a local stand-in, never on the real API.
    pb.environment().remove("REPLICATE_API_TOKEN");
    Process p = pb.start();
    // Read on this thread: the examples print a line or two, far below any pipe buffer.
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(done, "did not end within 60 s: " + cmd + "\n" + out);
    assertEquals(0, p.exitValue(), cmd + "\n" + out);
    return out;
  }

  /** The line of {@code out} that matches {@code name}'s expected pattern. */
  private static Matcher line(String name, String out) throws IOException {
    Matcher m = Pattern.compile(expected(name), Pattern.MULTILINE).matcher(out);
    assertTrue(m.find(), name + " printed no line matching " + expected(name) + ":\n" + out);
    return m;
  }

  private static String classPath() {
    return library + File.pathSeparator + classes;
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExamplePrintsWhatItPromises(String name) throws Exception {
    Matcher m = line(name, java("-cp", classPath(), name));
    if (name.equals("ManyJobs")) {
      int completed = Integer.parseInt(m.group(1));
      int errors = Integer.parseInt(m.group(2));
      assertEquals(200, completed + errors);
      // errorRate 0.25 of 200: 50 on average, outside 20..80 with probability ~1e-5.
      assertTrue(errors >= 20 && errors <= 80, "errors " + errors);
    } else if (name.equals("CustomSchedule")) {
      // A 1.5 s job polled at 0.2, 0.4, 0.6 s, then every 1 s: found by the fourth poll when the
      // machine keeps time. A loaded one fits fewer polls in, never more; more than 5 would mean
      // polling faster than the lambda says.
      int polls = Integer.parseInt(m.group(1));
      assertTrue(polls >= 1 && polls <= 5, "polls " + polls);
    }
  }

  @Test
  void aModuleUsesTheLibraryFromTheModulePathAndCannotReachItsInternals() throws Exception {
    Path jar = dir.resolve("vtstatus.jar");
    ToolProvider jarTool = ToolProvider.findFirst("jar").orElseThrow();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = jarTool.run(new PrintWriter(System.out, true), new PrintWriter(err, true),
        "--create", "--file", jar.toString(), "-C", library.toString(), ".");
    assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
    List<String> sources;
    try (Stream<Path> files = Files.walk(Path.of("examples", "module"))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).map(Path::toString)
          .collect(Collectors.toList());
    }
    Path module = dir.resolve("module");
    // An empty class path: javac in this JVM would otherwise default to the tests' class path.
    String noClassPath = Files.createDirectories(dir.resolve("empty")).toString();
    List<String> args = new ArrayList<>(List.of("-d", module.toString(), "-Xlint:all", "-Werror",
        "--module-path", jar.toString(), "-cp", noClassPath));
    args.addAll(sources);
    assertEquals("", javac(args));
    line("ModuleUse", java("--module-path", jar + File.pathSeparator + module, "-m",
        "vtstatus.example/example.ModuleUse"));

    // The same module reaching for an internal package does not compile.
    Path sneaky = dir.resolve("sneaky");
    Files.createDirectories(sneaky.resolve("example"));
    Files.writeString(sneaky.resolve("module-info.java"), "module sneaky { requires io.vtstatus; }");
    Files.writeString(sneaky.resolve("example/Sneaky.java"),
        "package example; class Sneaky { Object o = io.vtstatus.internal.json.Json.NULL; }");
    String refused = javac(List.of("-d", dir.resolve("sneaky-out").toString(), "--module-path", jar.toString(),
        "-cp", noClassPath, sneaky.resolve("module-info.java").toString(), sneaky.resolve("example/Sneaky.java").toString()));
    assertTrue(refused.contains("declared in module io.vtstatus, which does not export it"), refused);
  }
}
