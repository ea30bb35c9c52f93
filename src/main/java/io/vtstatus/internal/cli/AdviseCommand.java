package io.vtstatus.internal.cli;

import io.vtstatus.internal.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code vtstatus advise}: from durations the user observed, what to poll at and what their
 * current schedule costs. See {@link Advice} for what is computed.
 */
final class AdviseCommand {
  static final int USAGE_ERROR = 2;
  /** More durations than this is a sample to thin, not one to read. */
  static final int MAX_DURATIONS = 1_000_000;

  static final String HELP = String.join("\n",
      "usage: vtstatus advise --durations FILE [--request-cost 50ms] [--current SCHEDULE]",
      "                       [--svg FILE] [--json]",
      "Reads job durations you observed (FILE, or - for stdin): one per line, in seconds (12.5)",
      "or with a unit (1500ms, 2m, 1h); blank lines and # comments are ignored.",
      "Prints the Barlow-Hunter-Proschan floor (the least any schedule can cost on such jobs),",
      "the best fixed interval, and the cost, polls per job and mean delay of the stepped,",
      "exponential and adaptive schedules and of your --current one (fixed:5s, stepped,",
      "exponential:500ms,2,30s, adaptive), each replayed over your jobs and given as a ratio",
      "to the floor. Cost per job = request cost x polls + detection delay, in seconds.",
      "  --request-cost D  what one poll is worth in waiting (default 50ms)",
      "  --svg FILE        also draw the durations and each schedule's polls as an SVG chart",
      "  --json            print the figures as one JSON object instead of a table");

  private AdviseCommand() {}

  static int run(String[] argv, PrintStream out, PrintStream err) {
    Args a;
    String file;
    Duration cost;
    Optional<String> current;
    Optional<Path> svg = Optional.empty();
    double[] seconds;
    try {
      a = Args.parse(argv, Set.of("durations", "request-cost", "current", "svg"), Set.of("json", "help"));
      if (a.has("help")) {
        out.println(HELP);
        return 0;
      }
      if (!a.positional().isEmpty()) {
        throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
      }
      file = a.get("durations").orElseThrow(() -> new Args.UsageException("--durations FILE is required"));
      cost = a.has("request-cost") ? requestCost(a.get("request-cost").get()) : Duration.ofMillis(50);
      current = a.get("current");
      if (current.isPresent()) {
        ScheduleSpec.parse(current.get());
      }
      if (a.has("svg")) {
        try {
          Path p = Path.of(a.get("svg").get());
          if (a.get("svg").get().isBlank() || Files.isDirectory(p)) {
            throw new Args.UsageException("--svg needs a file name, not '" + a.get("svg").get() + "'");
          }
          svg = Optional.of(p);
        } catch (InvalidPathException e) {
          throw new Args.UsageException("--svg: " + e.getMessage());
        }
      }
      seconds = read(file);
    } catch (Args.UsageException e) {
      err.println("vtstatus advise: " + e.getMessage());
      return USAGE_ERROR;
    }
    Advice advice;
    try {
      advice = Advice.compute(seconds, cost, current);
    } catch (Args.UsageException e) {
      err.println("vtstatus advise: " + e.getMessage());
      return USAGE_ERROR;
    }
    if (svg.isPresent()) {
      try {
        write(svg.get(), AdviceChart.svg(advice, file));
      } catch (IOException e) {
        err.println("vtstatus advise: cannot write " + svg.get() + ": " + e.getMessage());
        return 4;
      }
    }
    out.print(a.has("json") ? json(advice, file) + "\n" : table(advice, file));
    if (seconds.length < 30) {
      err.println("vtstatus advise: only " + seconds.length
          + " durations: the figures are rough (a few hundred make them firm)");
    }
    return 0;
  }

  private static final Pattern NUMBER_UNIT =
      Pattern.compile("((?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(us|µs|ms|s|sec|m|min|h)?");

  /** A duration in seconds from {@code 12.5}, {@code 1500ms}, {@code 2m} …; empty if unreadable. */
  static Optional<Double> parseSeconds(String text) {
    Matcher m = NUMBER_UNIT.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    double scale;
    switch (unit) {
      case "us":
      case "µs":
        scale = 1e-6;
        break;
      case "ms":
        scale = 1e-3;
        break;
      case "m":
      case "min":
        scale = 60;
        break;
      case "h":
        scale = 3600;
        break;
      default:
        scale = 1;
    }
    double s = v * scale;
    // A year is not a job duration this tool can say anything useful about.
    return Double.isFinite(s) && s <= 365 * 86400.0 ? Optional.of(s) : Optional.empty();
  }

  private static Duration requestCost(String text) throws Args.UsageException {
    Optional<Double> s = parseSeconds(text);
    if (s.isEmpty() || !(s.get() > 0) || s.get() > 3600) {
      throw new Args.UsageException("--request-cost must be a positive duration up to 1h, like 50ms, not '" + text + "'");
    }
    return Advice.ofSeconds(s.get());
  }

  /** Reads the durations file; any unreadable line is a usage error naming the line. */
  static double[] read(String file) throws Args.UsageException {
    InputStream in;
    boolean stdin = file.equals("-");
    try {
      in = stdin ? System.in : Files.newInputStream(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new Args.UsageException("cannot read " + file + ": no such file");
    } catch (IOException | InvalidPathException e) {
      throw new Args.UsageException("cannot read " + file + ": " + e.getMessage());
    }
    List<Double> values = new ArrayList<>();
    String name = stdin ? "stdin" : file;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)))) {
      String line;
      int n = 0;
      while ((line = r.readLine()) != null) {
        n++;
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
        if (n == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1).strip();
        }
        if (text.isEmpty()) {
          continue;
        }
        Optional<Double> s = parseSeconds(text);
        if (s.isEmpty()) {
          throw new Args.UsageException(name + ":" + n + ": cannot read '" + excerpt(text)
              + "' as a duration (want seconds like 12.5, or a unit: 1500ms, 2m, 1h)");
        }
        if (values.size() == MAX_DURATIONS) {
          throw new Args.UsageException(name + ":" + n + ": more than " + MAX_DURATIONS
              + " durations; a random sample of them will do");
        }
        values.add(s.get());
      }
    } catch (CharacterCodingException e) {
      throw new Args.UsageException(name + " is not UTF-8 text");
    } catch (IOException e) {
      throw new Args.UsageException("cannot read " + name + ": " + e.getMessage());
    }
    if (values.isEmpty()) {
      throw new Args.UsageException("no durations in " + name + " (one per line, e.g. 12.5 or 1500ms)");
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static String excerpt(String s) {
    String t = s.length() > 40 ? s.substring(0, 40) + "…" : s;
    StringBuilder b = new StringBuilder();
    for (char c : t.toCharArray()) {
      b.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return b.toString();
  }

  static String table(Advice a, String file) {
    StringBuilder b = new StringBuilder();
    double[] s = a.durations.clone();
    Arrays.sort(s);
    b.append(String.format(Locale.ROOT, "%d job durations from %s: median %s, p90 %s, max %s.%n",
        s.length, file, Advice.seconds(s[s.length / 2]), Advice.seconds(s[(int) (0.9 * (s.length - 1))]),
        Advice.seconds(s[s.length - 1])));
    b.append(String.format(Locale.ROOT,
        "One poll is worth %s of waiting; cost per job = %s x polls + detection delay.%n%n",
        Advice.seconds(a.requestCost), Advice.seconds(a.requestCost)));
    b.append(String.format(Locale.ROOT, "%-13s %-48s %9s %8s %9s %10s%n", "schedule", "configuration",
        "cost/job", "x floor", "polls/job", "mean delay"));
    for (Advice.Row r : a.rows) {
      b.append(String.format(Locale.ROOT, "%-13s %-48s %8.3fs %8.2f %9.2f %10s%n", r.name(),
          r.config(), r.cost(), r.ratio(), r.pollsPerJob(), Advice.seconds(r.meanDelay())));
    }
    Advice.Row adaptive = a.rows.stream().filter(r -> r.name().equals("adaptive")).findFirst().orElseThrow();
    b.append(String.format(Locale.ROOT, "%nAdvice: the adaptive schedule (the default) costs %.2fx the floor "
        + "on these jobs; at a fixed interval, poll every %s (%.2fx).%n", adaptive.ratio(),
        Advice.seconds(a.fixedInterval), a.bestFixed().ratio()));
    a.rows.stream().filter(r -> r.name().equals("current")).findFirst().ifPresent(r ->
        b.append(String.format(Locale.ROOT, "Your current schedule (%s) costs %.2fx the floor: %.3f s per job "
            + "against %.3f s, with %.2f polls and %s delay per job.%n", r.config(), r.ratio(), r.cost(),
            a.floor().cost(), r.pollsPerJob(), Advice.seconds(r.meanDelay()))));
    b.append("(Replayed over these jobs with no request latency; the floor is planned on a smoothed\n"
        + "estimate of them, so a schedule can land a little under it by luck of the sample.)\n");
    return b.toString();
  }

  static String json(Advice a, String file) {
    double[] s = a.durations.clone();
    Arrays.sort(s);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("file", file);
    d.put("count", s.length);
    d.put("min_s", num(s[0]));
    d.put("median_s", num(s[s.length / 2]));
    d.put("p90_s", num(s[(int) (0.9 * (s.length - 1))]));
    d.put("max_s", num(s[s.length - 1]));
    Json.ObjectBuilder o = Json.obj()
        .put("durations", d)
        .put("request_cost_s", num(a.requestCost))
        .put("floor", row(a.floor()).put("expected_cost_s", num(a.floorExpected))
            .put("plan_s", Arrays.stream(Arrays.copyOf(a.floorPlan, Math.min(100, a.floorPlan.length)))
                .mapToObj(AdviseCommand::num).toList()).map())
        .put("best_fixed", row(a.bestFixed()).put("interval_s", num(a.fixedInterval)).map());
    List<Object> rows = new ArrayList<>();
    for (Advice.Row r : a.schedules()) {
      rows.add(row(r).map());
    }
    o.put("schedules", rows);
    return o.toString();
  }

  private static Json.ObjectBuilder row(Advice.Row r) {
    return Json.obj().put("name", r.name()).put("config", r.config()).put("cost_s", num(r.cost()))
        .put("ratio", num(r.ratio())).put("polls_per_job", num(r.pollsPerJob()))
        .put("mean_delay_s", num(r.meanDelay())).put("p50_delay_s", num(r.p50Delay()));
  }

  /** Six significant digits, written so any JSON reader takes it (never NaN or Infinity). */
  static Object num(double v) {
    if (!Double.isFinite(v)) {
      return null;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
  }

  private static void write(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
