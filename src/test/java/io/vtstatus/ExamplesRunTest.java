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

/**
 * The examples run as users run them, each in a JVM of its own against the library's classes,
 * and print what they promise; and the library works as a module on the module path, where its
 * internals stay out of reach. ({@code make examples} does the same against target/vtstatus.jar.)
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
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
    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", library.toString()));
    try (Stream<Path> files = Files.list(Path.of("examples"))) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
    }
    javac(args);
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
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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

  private static Matcher line(String out, String regex) {
    Matcher m = Pattern.compile("(?m)^" + regex + "$").matcher(out);
    assertTrue(m.find(), "no line matching " + regex + " in:\n" + out);
    return m;
  }

  private static String classPath() {
    return library + File.pathSeparator + classes;
  }

  @Test
  void oneJobPrintsHowItEnded() throws Exception {
    line(java("-cp", classPath(), "OneJob"),
        "job job_[0-9a-f]{16} ended (COMPLETED|ERROR), detected by (WEBHOOK|POLL) after \\d+ polls and \\d+ ms");
  }

  @Test
  void manyJobsResolvesAllTwoHundred() throws Exception {
    Matcher m = line(java("-cp", classPath(), "ManyJobs"),
        "200 jobs: (\\d+) completed, (\\d+) error; [0-9.]+ polls per job");
    int completed = Integer.parseInt(m.group(1));
    int errors = Integer.parseInt(m.group(2));
    assertEquals(200, completed + errors);
    // errorRate 0.25 of 200: 50 on average, outside 20..80 with probability ~1e-5.
    assertTrue(errors >= 20 && errors <= 80, "errors " + errors);
  }

  @Test
  void customScheduleIsFollowed() throws Exception {
    Matcher m = line(java("-cp", classPath(), "CustomSchedule"),
        "job job_[0-9a-f]{16}: COMPLETED after (\\d+) polls");
    // A 1.5 s job polled at 0.2, 0.4, 0.6 s, then every 1 s: found by the fourth poll when the
    // machine keeps time. A loaded one fits fewer polls in, never more; more than 5 would mean
    // polling faster than the lambda says.
    int polls = Integer.parseInt(m.group(1));
    assertTrue(polls >= 1 && polls <= 5, "polls " + polls);
  }

  @Test
  void replicateWaitsOnTheStandInAndPrintsTheOutput() throws Exception {
    // With REPLICATE_API_TOKEN set the example would ask the real API: it needs an id argument
    // too, which this run does not give.
    line(java("-cp", classPath(), "Replicate"),
        "prediction [a-z2-7]{26} COMPLETED after \\d+ polls: https://simulator\\.vtstatus\\.invalid/outputs/[a-z2-7]{26}");
  }

  @Test
  void ownReceiverVerifiesBothSchemes() throws Exception {
    line(java("-cp", classPath(), "OwnReceiver"),
        "job job_[0-9a-f]{16}: completed, verified by v1 and by v1a");
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
    List<String> args = new ArrayList<>(List.of("-d", module.toString(), "--module-path", jar.toString(),
        "-cp", noClassPath));
    args.addAll(sources);
    assertEquals("", javac(args));
    line(java("--module-path", jar + File.pathSeparator + module, "-m", "vtstatus.example/example.ModuleUse"),
        "module io.vtstatus: job job_[0-9a-f]{16} ended COMPLETED");

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
