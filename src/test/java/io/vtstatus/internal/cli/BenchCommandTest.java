package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.bench.ScheduleBench;
import io.vtstatus.internal.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bench harness (a separate jar): the smoke run's structure (not its speed) and usage errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchCommandTest {

  /** The bench jar's entry point, called with "bench" and the arguments (as the tests read). */
  private static CliRun run(String... args) {
    assertEquals("bench", args[0]);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BenchCommand.run(Arrays.copyOfRange(args, 1, args.length),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CliRun(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theShippedJarSaysWhereBenchLives() {
    CliRun r = CliRun.of("bench", "--smoke");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("make bench"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void smokeRunReportsEveryScenarioAndScheduleWithEveryJobResolvedOnce(@TempDir Path dir) throws Exception {
    Path md = dir.resolve("BENCHMARKS.md");
    CliRun r = run("bench", "--smoke", "--json", "--markdown", md.toString());
    assertEquals(0, r.code(), r.err());
    List<Map<String, Object>> lines = new ArrayList<>();
    for (String line : r.out().strip().split("\n")) {
      lines.add(Json.parseObject(line));
    }
    Set<String> seen = new HashSet<>();
    List<Integer> scaleRuns = new ArrayList<>();
    int webhookRuns = 0;
    for (Map<String, Object> o : lines) {
      String scenario = (String) o.get("scenario");
      seen.add(scenario);
      switch (scenario) {
        case "scale":
          scaleRuns.add((int) number(o, "run"));
          double jobs = number(o, "jobs");
          assertEquals(jobs, number(o, "resolved_once"), o.toString());
          assertEquals(0, number(o, "resolved_more_than_once"));
          assertEquals(jobs, number(o, "by_webhook") + number(o, "by_poll"), o.toString());
          // Webhooks carry the load (20 % of first attempts dropped and retried 100 ms later).
          assertTrue(number(o, "by_webhook") > number(o, "by_poll"), o.toString());
          double dropped = number(o, "first_attempt_dropped");
          assertTrue(dropped >= 0.1 * jobs && dropped <= 0.35 * jobs, "the 20 % drop fault: " + o);
          // Never a thread per job: the client's pools are bounded, whatever the number of jobs.
          // The bound is not the scale goal (32, measured by `make bench`): the webhook listener's
          // pool grows while handlers wait for a CPU, so a loaded machine peaks higher (33 seen at
          // load 13 in a 200-job smoke run); a thread per job would be near 200.
          double client = number(o, "peak_client_threads");
          assertTrue(client >= 1 && client <= 64, "peak client threads: " + o);
          assertTrue(number(o, "threads_started") < jobs, "a thread per job? " + o);
          assertTrue(number(o, "peak_threads") >= client, o.toString());
          // The client and simulator keep little per job: a few KB, not a heap per watch.
          assertTrue(number(o, "heap_after_gc_mb") - number(o, "heap_baseline_mb") < 32, o.toString());
          assertTrue(number(o, "polls_per_job") <= 1, o.toString());
          break;
        case "wait-learning":
          // Two series of sequential `wait` runs, one learning across runs and one cold.
          assertTrue(number(o, "runs") >= number(o, "from"), o.toString());
          for (String k : List.of("learning_polls_per_job", "cold_polls_per_job")) {
            assertTrue(number(o, k) >= 1, k + " in " + o);
          }
          for (String k : List.of("learning_mean_delay_s", "cold_mean_delay_s")) {
            assertTrue(number(o, k) >= 0, k + " in " + o);
          }
          break;
        case "latency":
          for (String path : List.of("webhook", "poll")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) o.get(path);
            assertEquals(number(p, "jobs"), number(p, "resolved"), path);
            assertNotNull(p.get("p50_ms"), path);
          }
          break;
        default:
          webhookRuns += "off".equals(o.get("webhooks")) ? 0 : 1;
          assertNotNull(o.get("floor_s"), scenario);
          assertTrue(Double.isFinite(number(o, "adaptive_over_stepped")), scenario);
          @SuppressWarnings("unchecked")
          List<Map<String, Object>> rows = (List<Map<String, Object>>) o.get("rows");
          List<String> schedules = new ArrayList<>();
          for (Map<String, Object> row : rows) {
            schedules.add((String) row.get("schedule"));
            assertEquals(number(row, "jobs"), number(row, "resolved_once"), scenario + " " + row);
            assertEquals(0, number(row, "not_resolved_once"));
            assertTrue(Double.isFinite(number(row, "ratio_to_floor")), scenario + " " + row);
            assertTrue(Double.isFinite(number(row, "p99_delay_s")), scenario + " " + row);
          }
          assertEquals(ScheduleBench.SCHEDULES, schedules, scenario);
          if (scenario.equals("shift")) {
            assertNotNull(o.get("shift"));
          }
      }
    }
    assertEquals(Set.of("uniform", "lognormal-tight", "lognormal-wide", "bimodal", "shift", "scale",
        "latency", "wait-learning"), seen);
    assertEquals(2, webhookRuns, "webhooks on and drop:0.5");
    // 'all' runs scale three times in a row, each its own run, reported side by side.
    assertEquals(List.of(1, 2, 3), scaleRuns);
    String doc = Files.readString(md);
    assertTrue(doc.contains("3 consecutive runs") && doc.contains("| run 1 | run 2 | run 3 |"), doc);
    assertTrue(doc.contains("-jar target/vtstatus-bench.jar --smoke --json --markdown"), doc);
    assertTrue(doc.contains("### `shift`"), doc);
  }

  private static double number(Map<String, Object> o, String key) {
    Object v = o.get(key);
    assertTrue(v instanceof BigDecimal, key + " in " + o);
    return ((BigDecimal) v).doubleValue();
  }

  @Test
  void usageErrorsExitTwo() {
    for (String[] args : List.of(
        new String[] {"bench", "--bogus"},
        new String[] {"bench", "--scenario", "nope"},
        new String[] {"bench", "--webhooks", "maybe"},
        new String[] {"bench", "--webhooks", "drop:1.5"},
        new String[] {"bench", "--jobs", "x"},
        new String[] {"bench", "--scale", "0"},
        new String[] {"bench", "--repeat", "0"},
        new String[] {"bench", "--scenario", "scale", "--durations", "5s"},
        new String[] {"bench", "--scenario", "scale", "--durations", "9s..5s"},
        new String[] {"bench", "--scenario", "scale", "--durations", "x..5s"},
        new String[] {"bench", "--scenario", "scale", "--drop", "1.5"},
        new String[] {"bench", "extra"})) {
      CliRun r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("vtstatus bench: "), r.err());
    }
  }

  @Test
  void scaleRunsTheJobsAskedFor() throws Exception {
    CliRun r = run("bench", "--scenario", "scale", "--smoke", "--jobs", "40", "--durations",
        "100ms..300ms", "--drop", "0", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out().strip());
    assertEquals("scale", o.get("scenario"));
    assertEquals(40, number(o, "jobs"), o.toString());
    assertEquals(40, number(o, "resolved_once"), o.toString());
    assertEquals(0, number(o, "first_attempt_dropped"), o.toString());
    assertEquals(0.1, number(o, "min_s"), 1e-9, o.toString());
    assertEquals(0.3, number(o, "max_s"), 1e-9, o.toString());
  }

  @Test
  void latencyRunsTheJobsAskedForOnEachPath() throws Exception {
    CliRun r = run("bench", "--scenario", "latency", "--smoke", "--jobs", "12", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out().strip());
    for (String path : List.of("webhook", "poll")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> p = (Map<String, Object>) o.get(path);
      assertEquals(12, number(p, "jobs"), path + " in " + o);
    }
    // The bare round trip measured beside the webhook path, in the same run.
    @SuppressWarnings("unchecked")
    Map<String, Object> hook = (Map<String, Object>) o.get("webhook");
    assertTrue(number(hook, "floor_p50_ms") > 0, hook.toString());
    assertEquals(number(hook, "p50_ms") / number(hook, "floor_p50_ms"),
        number(hook, "p50_over_floor"), 1e-3 * number(hook, "p50_over_floor"), hook.toString());
  }

  @Test
  void longpollComparesHeldReadsWithAdaptivePollingOnTheJobsAskedFor() throws Exception {
    CliRun r = run("bench", "--scenario", "longpoll", "--jobs", "12", "--scale", "0.01",
        "--concurrency", "6", "--seed", "7", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out().strip());
    assertEquals("longpoll", o.get("scenario"));
    assertEquals(0.01, number(o, "scale"), 1e-9, o.toString());
    assertEquals(6, number(o, "concurrency"), o.toString());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arms = (List<Map<String, Object>>) o.get("arms");
    assertEquals(2, arms.size(), o.toString());
    for (Map<String, Object> arm : arms) {
      assertEquals(12, number(arm, "jobs"), arm.toString());
      assertEquals(12, number(arm, "completed_once"), arm.toString());
    }
    assertTrue(((String) arms.get(0).get("name")).startsWith("held"), arms.toString());
  }

  @Test
  void longpollHeldHoldsTheJobsAskedForOnOneClient() throws Exception {
    CliRun r = run("bench", "--scenario", "longpoll", "--held", "--jobs", "30", "--durations",
        "2s..3s", "--json");
    assertEquals(0, r.code(), r.err());
    Map<String, Object> o = Json.parseObject(r.out().strip());
    assertEquals("longpoll-held", o.get("scenario"));
    assertEquals(30, number(o, "jobs"), o.toString());
    assertEquals(30, number(o, "completed_once"), o.toString());
    assertEquals(0, number(o, "failed"), o.toString());
    assertEquals(2.0, number(o, "min_s"), 1e-9, o.toString());
    assertEquals(3.0, number(o, "max_s"), 1e-9, o.toString());
    assertTrue(number(o, "peak_held") > 8, "more held at once than the 8 request permits: " + o);
    assertTrue(number(o, "max_sim_threads") <= 40, o.toString());
  }

  @Test
  void heldIsAModeOfLongpollOnly() {
    for (String[] args : List.of(
        new String[] {"bench", "--held"},
        new String[] {"bench", "--scenario", "scale", "--held"},
        new String[] {"bench", "--scenario", "longpoll", "--held", "--scale", "0.5"},
        new String[] {"bench", "--scenario", "longpoll", "--held", "--concurrency", "3"},
        new String[] {"bench", "--scenario", "longpoll", "--durations", "1s..2s"})) {
      CliRun r = run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("vtstatus bench: "), r.err());
      assertEquals("", r.out());
    }
    CliRun r = run("bench", "--scenario", "longpoll", "--held", "--scale", "0.5");
    assertTrue(r.err().contains("--scenario longpoll --held does not take --scale"), r.err());
  }

  @Test
  void aScenarioNamedAloneRefusesFlagsItWouldIgnore() {
    for (String[] args : List.of(
        new String[] {"bench", "--scenario", "scale", "--webhooks", "on"},
        new String[] {"bench", "--scenario", "scale", "--concurrency", "3"},
        new String[] {"bench", "--scenario", "scale", "--scale", "0.5"},
        new String[] {"bench", "--scenario", "latency", "--repeat", "2"},
        new String[] {"bench", "--scenario", "latency", "--webhooks", "on"},
        new String[] {"bench", "--scenario", "wait-learning", "--jobs", "20"},
        new String[] {"bench", "--scenario", "uniform", "--repeat", "2"},
        new String[] {"bench", "--scenario", "uniform", "--drop", "0"},
        new String[] {"bench", "--scenario", "latency", "--durations", "1s..2s"})) {
      CliRun r = run(args);
      String flag = args[3];
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("vtstatus bench: --scenario " + args[2] + " does not take "
          + flag + " (it takes --"), r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void helpExitsZero() {
    CliRun r = run("bench", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("--scenario"), r.out());
  }
}
