package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.TrueDurations;
import io.vtstatus.internal.bench.Optimum;
import io.vtstatus.internal.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code vtstatus advise}: figures on a known distribution, the chart, and clear input errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdviseCommandTest {
  @TempDir
  Path dir;

  /** 2,000 durations at the quantiles of lognormal(3 s, σ 0.3): the distribution, smoothly. */
  private Path lognormalFile() throws IOException {
    TrueDurations d = TrueDurations.lognormal(3, 0.3);
    StringBuilder b = new StringBuilder("# lognormal(3 s, 0.3), by quantile\n");
    for (int i = 0; i < 2000; i++) {
      b.append(String.format(java.util.Locale.ROOT, "%.4f%n", d.quantile((i + 0.5) / 2000)));
    }
    Path f = dir.resolve("durations.txt");
    Files.writeString(f, b.toString());
    return f;
  }

  private static double num(Map<String, Object> o, String key) {
    return ((BigDecimal) o.get(key)).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> obj(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void theFiguresOnAKnownDistributionAreTheTheorys() throws Exception {
    CliRun r = CliRun.of("advise", "--durations", lognormalFile().toString(), "--current", "fixed:5s", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out().strip());
    TrueDurations truth = TrueDurations.lognormal(3, 0.3);
    double floor = Optimum.bhp(truth, 0.05).cost();
    Optimum.Fixed fixed = Optimum.bestFixed(truth, 0.05);

    Map<String, Object> f = obj(o.get("floor"));
    assertEquals(floor, num(f, "cost_s"), 0.03 * floor, r.out());
    assertEquals(1.0, num(f, "ratio"), 1e-9);
    double polls = num(f, "polls_per_job");
    assertEquals(num(f, "cost_s"), 0.05 * polls + num(f, "mean_delay_s"), 1e-4, "cost = c·polls + delay");

    Map<String, Object> b = obj(o.get("best_fixed"));
    assertEquals(fixed.interval(), num(b, "interval_s"), 0.05 * fixed.interval());
    assertEquals(fixed.cost(), num(b, "cost_s"), 0.03 * fixed.cost());
    assertEquals(num(b, "cost_s") / num(f, "cost_s"), num(b, "ratio"), 1e-3);

    List<String> names = new ArrayList<>();
    for (Object row : (List<?>) o.get("schedules")) {
      Map<String, Object> s = obj(row);
      names.add((String) s.get("name"));
      assertEquals(num(s, "cost_s") / num(f, "cost_s"), num(s, "ratio"), 1e-3, s.toString());
      switch ((String) s.get("name")) {
        case "stepped":
          // 4,4,4,… on 3 s jobs: one poll at 4 s for nearly all, a second at 8 s for a few.
          assertEquals(1.5889 / floor, num(s, "ratio"), 0.1 * 1.5889 / floor, s.toString());
          break;
        case "adaptive":
          assertTrue(num(s, "ratio") <= 1.10, s.toString());
          break;
        case "current":
          // Every 5 s: one poll, and a second at 10 s for the jobs past 5 s.
          double past5 = truth.survival(5);
          assertEquals(1 + past5, num(s, "polls_per_job"), 0.01, s.toString());
          assertEquals(5 * (1 + past5) - truth.mean(), num(s, "mean_delay_s"), 0.02, s.toString());
          break;
        default:
          break;
      }
    }
    assertEquals(List.of("stepped", "exponential", "adaptive", "current"), names);
    assertEquals(2000L, ((BigDecimal) obj(o.get("durations")).get("count")).longValue());
  }

  @Test
  void theTableSaysTheSame() throws Exception {
    CliRun r = CliRun.of("advise", "--durations", lognormalFile().toString(), "--request-cost", "50ms");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("2000 job durations"), r.out());
    for (String row : List.of("floor", "best fixed", "stepped", "exponential", "adaptive")) {
      assertTrue(r.out().lines().anyMatch(l -> l.startsWith(row + " ")), row + " in\n" + r.out());
    }
    assertTrue(r.out().contains("Advice: the adaptive schedule"), r.out());
    assertTrue(r.out().contains("poll every 5"), "best fixed interval of about 560 ms:\n" + r.out());
  }

  @Test
  void theChartIsXmlWithOneSeriesPerSchedule() throws Exception {
    Path svg = dir.resolve("out").resolve("chart & <more>.svg");
    CliRun r = CliRun.of("advise", "--durations", lognormalFile().toString(), "--current", "stepped",
        "--svg", svg.toString());
    assertEquals(0, r.code(), r.err());
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(svg.toFile());
    Element root = doc.getDocumentElement();
    assertEquals("svg", root.getLocalName());
    assertEquals("http://www.w3.org/2000/svg", root.getNamespaceURI());
    NodeList groups = doc.getElementsByTagNameNS("*", "g");
    List<String> series = new ArrayList<>();
    int polls = 0;
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      if (g.getAttribute("class").equals("series")) {
        series.add(g.getAttribute("data-schedule"));
        NodeList lines = g.getElementsByTagNameNS("*", "line");
        for (int k = 0; k < lines.getLength(); k++) {
          polls += ((Element) lines.item(k)).getAttribute("class").equals("poll") ? 1 : 0;
        }
      }
    }
    assertEquals(List.of("floor", "best fixed", "stepped", "exponential", "adaptive", "current"), series);
    assertTrue(polls > 20, "poll marks drawn: " + polls);
    String text = root.getTextContent();
    assertTrue(text.contains("time since the job started (seconds)"), "x axis label");
    assertTrue(text.contains("share of jobs per second"), "y axis label");
    assertTrue(text.contains("1.00x the floor"), "legend with ratios");
    assertTrue(doc.getElementsByTagNameNS("*", "rect").getLength() > 20, "histogram bars");
  }

  @Test
  void aBadLineIsAClearErrorNamingIt() throws IOException {
    Path f = dir.resolve("d.txt");
    Files.writeString(f, "3.2\n\n# a comment\n4 s   # trailing comment\n1500ms\nabout 5\n7\n");
    CliRun r = CliRun.of("advise", "--durations", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(f + ":6: cannot read 'about 5' as a duration"), r.err());
    assertEquals("", r.out());
    for (String bad : List.of("-3", "NaN", "1e999", "5d", "0x10", "3 parsecs", "1,5")) {
      Files.writeString(f, "1\n" + bad + "\n");
      CliRun b = CliRun.of("advise", "--durations", f.toString());
      assertEquals(2, b.code(), bad);
      assertTrue(b.err().contains(":2: cannot read"), bad + ": " + b.err());
    }
  }

  @Test
  void unitsAndPlainSecondsAreRead() {
    assertEquals(12.5, AdviseCommand.parseSeconds("12.5").orElseThrow(), 1e-12);
    assertEquals(1.5, AdviseCommand.parseSeconds("1500ms").orElseThrow(), 1e-12);
    assertEquals(120, AdviseCommand.parseSeconds("2m").orElseThrow(), 1e-12);
    assertEquals(1800, AdviseCommand.parseSeconds("0.5h").orElseThrow(), 1e-12);
    assertEquals(2.5e-4, AdviseCommand.parseSeconds("250us").orElseThrow(), 1e-15);
    assertEquals(3, AdviseCommand.parseSeconds("3 s").orElseThrow(), 1e-12);
    assertEquals(Optional.empty(), AdviseCommand.parseSeconds(""));
    assertEquals(Optional.empty(), AdviseCommand.parseSeconds("400d"));
  }

  @Test
  void missingEmptyAndOptionErrorsExitTwo() throws IOException {
    CliRun none = CliRun.of("advise");
    assertEquals(2, none.code());
    assertTrue(none.err().contains("--durations"), none.err());
    CliRun missing = CliRun.of("advise", "--durations", dir.resolve("nope.txt").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "# nothing yet\n\n");
    CliRun e = CliRun.of("advise", "--durations", empty.toString());
    assertEquals(2, e.code());
    assertTrue(e.err().contains("no durations"), e.err());
    Path one = dir.resolve("one.txt");
    Files.writeString(one, "3\n");
    assertEquals(2, CliRun.of("advise", "--durations", one.toString(), "--request-cost", "0ms").code());
    assertEquals(2, CliRun.of("advise", "--durations", one.toString(), "--request-cost", "soon").code());
    assertEquals(2, CliRun.of("advise", "--durations", one.toString(), "--current", "sometimes").code());
    assertEquals(2, CliRun.of("advise", "--durations", one.toString(), "--svg", dir.toString()).code());
    CliRun ok = CliRun.of("advise", "--durations", one.toString());
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.err().contains("rough"), "a one-job sample is flagged: " + ok.err());
    assertEquals(0, CliRun.of("advise", "--help").code());
  }
}
