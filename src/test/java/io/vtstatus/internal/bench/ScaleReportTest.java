package io.vtstatus.internal.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.json.Json;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Consecutive scale runs in one table: a goal holds only if it holds in every run. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ScaleReportTest {

  private static ScaleBench.Result run(double pollsPerJob, int resolvedOnce) {
    return new ScaleBench.Result(100, 1, 10, 0.2, resolvedOnce, 0, 100 - resolvedOnce, 90, 10,
        pollsPerJob, 20, 30, 12, 12, List.of("vtstatus-http-1"), 10, 4, 3, 20, 15, 21, 12.5, 1, 2);
  }

  private static String line(String table, String figure) {
    for (String l : table.split("\n")) {
      if (l.startsWith("| " + figure + " |")) {
        return l;
      }
    }
    throw new AssertionError("no row '" + figure + "' in\n" + table);
  }

  @Test
  void aGoalMissedInOneRunIsReportedAsFailingInThatRun() {
    String t = Report.markdown(List.of(run(0.6, 100), run(1.4, 100), run(0.9, 99)));
    assertTrue(t.contains("3 consecutive runs"), t);
    assertTrue(t.contains("| figure | run 1 | run 2 | run 3 | goal | holds |"), t);
    assertEquals("| polls per job | 0.600 | 1.400 | 0.900 | ≤ 1.1 | **fails** in run 2 |",
        line(t, "polls per job"));
    assertEquals("| resolved exactly once | 100/100 | 100/100 | 99/100 | all | **fails** in run 3 |",
        line(t, "resolved exactly once"));
    assertTrue(line(t, "heap used after GC (simulator + client + bench records)")
        .endsWith("| holds in every run |"), t);
  }

  @Test
  void oneRunKeepsTheSingleColumnTable() {
    String t = Report.markdown(List.of(run(1.2, 100)));
    assertTrue(t.contains("| figure | measured | goal | holds |"), t);
    assertEquals("| polls per job | 1.200 | ≤ 1.1 | **fails** |", line(t, "polls per job"));
    assertEquals("| resolved exactly once | 100/100 | all | holds |", line(t, "resolved exactly once"));
  }

  @Test
  void eachRunIsOneJsonObjectWithItsNumber() throws Exception {
    Map<String, Object> o = Json.parseObject(Report.json(run(0.75, 100), 2));
    assertEquals("scale", o.get("scenario"));
    assertEquals(0, new BigDecimal(2).compareTo((BigDecimal) o.get("run")));
    assertEquals(0, new BigDecimal("0.75").compareTo((BigDecimal) o.get("polls_per_job")));
  }
}
