package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code vtstatus demo}, the first thing a newcomer runs: its table adds up. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandTest {
  private static final Pattern ROW = Pattern.compile(
      "(job_[0-9a-f]{16}) +(completed|error) +(webhook|poll) +(\\S+) +(\\d+)");
  private static final Pattern TOTAL = Pattern.compile(
      "total: (\\d+) jobs \\((\\d+) completed, (\\d+) error\\) in \\S+; (\\d+) by webhook, (\\d+) by poll;");
  private static final Pattern PER_JOB = Pattern.compile(" +([0-9.]+) polls per job; median detection delay \\S+ .*");

  @Test
  void demoPrintsOneRowPerJobAndTotalsThatAddUp() {
    CliRun r = CliRun.of("demo", "--jobs", "8", "--delay", "100ms..600ms", "--error-rate", "0.5",
        "--drop-webhooks", "0.5", "--seed", "3");
    assertEquals(0, r.code(), r.err());
    String out = r.out();
    assertTrue(out.contains("simulator at http://127.0.0.1:"), out);
    assertTrue(out.contains("50% end in error, 50% of webhook attempts dropped"), out);
    assertTrue(out.contains("client listening for webhooks at http://127.0.0.1:"), out);
    assertTrue(out.contains("submitted 8 jobs"), out);
    List<String> lines = out.lines().toList();
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("job ")).findFirst().orElseThrow());
    assertTrue(lines.get(header).matches("job +outcome +detected +delay +polls"), lines.get(header));
    Set<String> ids = new HashSet<>();
    int errors = 0;
    int byWebhook = 0;
    int polls = 0;
    List<String> rows = new ArrayList<>(lines.subList(header + 1, header + 9));
    for (String row : rows) {
      Matcher m = ROW.matcher(row);
      assertTrue(m.matches(), "row: " + row);
      ids.add(m.group(1));
      errors += m.group(2).equals("error") ? 1 : 0;
      byWebhook += m.group(3).equals("webhook") ? 1 : 0;
      polls += Integer.parseInt(m.group(5));
      // The progress lines above the table name each job as it ends.
      assertTrue(out.substring(0, out.indexOf(lines.get(header))).contains(m.group(1)), m.group(1));
    }
    assertEquals(8, ids.size(), "eight different jobs");
    Matcher total = TOTAL.matcher(lines.get(header + 10));
    assertTrue(total.matches(), lines.get(header + 10));
    assertEquals(8, Integer.parseInt(total.group(1)));
    assertEquals(8 - errors, Integer.parseInt(total.group(2)));
    assertEquals(errors, Integer.parseInt(total.group(3)));
    assertEquals(byWebhook, Integer.parseInt(total.group(4)));
    assertEquals(8 - byWebhook, Integer.parseInt(total.group(5)));
    Matcher perJob = PER_JOB.matcher(lines.get(header + 11));
    assertTrue(perJob.matches(), lines.get(header + 11));
    assertEquals(polls / 8.0, Double.parseDouble(perJob.group(1)), 0.005);
    assertEquals("", r.err());
  }

  @Test
  void badFlagsExitTwo() {
    for (String[] args : List.of(new String[] {"demo", "--jobs", "0"}, new String[] {"demo", "--delay", "x"},
        new String[] {"demo", "--error-rate", "2"}, new String[] {"demo", "extra"})) {
      CliRun r = CliRun.of(args);
      assertEquals(2, r.code(), String.join(" ", args));
      assertTrue(r.err().startsWith("vtstatus demo: "), r.err());
    }
    CliRun help = CliRun.of("demo", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--drop-webhooks"), help.out());
  }
}
