package io.vtstatus.internal.bench;

import io.vtstatus.internal.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Renders benchmark results as Markdown tables (for the terminal and docs/BENCHMARKS.md) and as
 * one JSON object per scenario. Stateless.
 */
public final class Report {
  /** The schedule goals: adaptive ≤ 1.15× floor and ≤ 0.5× stepped. */
  public static final double FLOOR_GOAL = 1.15;
  public static final double STEPPED_GOAL = 0.5;
  /** The scale run's goals. */
  public static final int PEAK_THREADS_GOAL = 32;
  public static final int STARTED_THREADS_GOAL = 200;
  public static final double HEAP_GOAL_MB = 64;
  /** Issue 23's heap goal for a run of more than 10,000 jobs (100,000 under the bench's -Xmx256m). */
  public static final double LARGE_HEAP_GOAL_MB = 256;

  /** The heap goal for a run of {@code jobs}. */
  static double heapGoalMb(int jobs) {
    return jobs > 10_000 ? LARGE_HEAP_GOAL_MB : HEAP_GOAL_MB;
  }
  public static final double WEBHOOK_P99_GOAL_MS = 50;
  public static final double SCALE_POLLS_GOAL = 1.1;
  /** Adaptive back within 1.15× of the new floor this many jobs after a shift. */
  public static final int SHIFT_RECOVERY_GOAL = 100;
  /** With webhooks on, adaptive polls per job. */
  public static final double WEBHOOK_POLLS_GOAL = 1.1;

  private Report() {}

  // ------------------------------------------------------------------ schedules

  /** The per-schedule table of one scenario, with the floor and the goal check. */
  public static String markdown(ScheduleBench.Result r) {
    StringBuilder b = new StringBuilder();
    ScheduleBench.Settings s = r.settings();
    int warm = (int) Math.ceil(s.warmup() * r.rows().get(0).jobs());
    b.append(String.format(Locale.ROOT, "### `%s` — %s, webhooks %s%n%n", r.scenario().name(),
        r.scenario().describe(), s.webhooks().label()));
    b.append(String.format(Locale.ROOT,
        "%d jobs (first %d = warm-up, excluded below), scale ×%s, c = %.0f ms, ~%d concurrent, "
            + "%.1f s wall. BHP floor %.4f s; best fixed Δ* = %.3f s costs %.4f s (%.3f× floor).%n%n",
        r.rows().get(0).jobs(), warm, num(s.scale()), s.requestCost() * 1000, s.concurrency(),
        r.seconds(), r.floor(), r.bestFixed(), r.bestFixedCost(), r.bestFixedCost() / r.floor()));
    b.append("| schedule | config | mean delay | p50 | p99 | polls/job | cost | ÷ floor | warm-up cost ÷ floor | by webhook | resolved once |\n");
    b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ScheduleBench.Row w : r.rows()) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.2f | %.4f | **%.3f** | %.3f | %d | %d/%d |%n",
          w.schedule(), w.config(), sec(w.meanDelay()), sec(w.p50Delay()), sec(w.p99Delay()),
          w.pollsPerJob(), w.cost(), w.ratio(), w.warmupRatio(), w.byWebhook(), w.resolvedOnce(),
          w.jobs()));
    }
    ScheduleBench.Row a = r.row("adaptive");
    ScheduleBench.Row st = r.row("stepped");
    double vsStepped = a.cost() / st.cost();
    b.append(String.format(Locale.ROOT, "%nadaptive ÷ floor = %.3f (goal ≤ %.2f: %s); adaptive ÷ stepped = %.3f (goal ≤ %.1f: %s)",
        a.ratio(), FLOOR_GOAL, holds(a.ratio() <= FLOOR_GOAL), vsStepped, STEPPED_GOAL,
        holds(vsStepped <= STEPPED_GOAL)));
    if (s.webhooks().on()) {
      b.append(String.format(Locale.ROOT, "; adaptive polls/job with webhooks %s = %.2f (goal ≤ %.1f: %s)",
          s.webhooks().label(), a.pollsPerJob(), WEBHOOK_POLLS_GOAL, holds(a.pollsPerJob() <= WEBHOOK_POLLS_GOAL)));
    }
    b.append(".\n");
    r.shift().ifPresent(sh -> {
      b.append(String.format(Locale.ROOT,
          "%nShift after job %d: floor %.4f s before, %.4f s after. Jobs past the shift until the "
              + "mean cost over a window of %d jobs is ≤ %.2f× the new floor:",
          sh.shiftAt(), sh.floorBefore(), sh.floorAfter(), sh.window(), ScheduleBench.RECOVERY_LIMIT));
      for (Map.Entry<String, Integer> e : sh.recovery().entrySet()) {
        b.append(String.format(Locale.ROOT, " %s %s;", e.getKey(),
            e.getValue() < 0 ? "never (within " + (r.rows().get(0).jobs() - sh.shiftAt()) + ")" : e.getValue()));
      }
      b.setLength(b.length() - 1);
      Integer adaptive = sh.recovery().get("adaptive");
      if (adaptive != null) {
        b.append(String.format(Locale.ROOT, " (goal for adaptive: ≤ %d: %s)", SHIFT_RECOVERY_GOAL,
            adaptive >= 0 && adaptive <= SHIFT_RECOVERY_GOAL ? "holds" : "**fails**"));
      }
      b.append(".\n");
    });
    return b.toString();
  }

  /** One JSON object for a scenario's result. */
  public static String json(ScheduleBench.Result r) {
    List<Object> rows = new ArrayList<>();
    for (ScheduleBench.Row w : r.rows()) {
      rows.add(Json.obj().put("schedule", w.schedule()).put("config", w.config())
          .put("jobs", w.jobs()).put("measured", w.measured())
          .put("mean_delay_s", n(w.meanDelay())).put("p50_delay_s", n(w.p50Delay()))
          .put("p99_delay_s", n(w.p99Delay())).put("polls_per_job", n(w.pollsPerJob()))
          .put("cost_s", n(w.cost())).put("ratio_to_floor", n(w.ratio()))
          .put("warmup_cost_s", n(w.warmupCost())).put("warmup_ratio_to_floor", n(w.warmupRatio()))
          .put("by_webhook", w.byWebhook()).put("resolved_once", w.resolvedOnce())
          .put("not_resolved_once", w.failed()).map());
    }
    Json.ObjectBuilder o = Json.obj().put("scenario", r.scenario().name())
        .put("distribution", r.scenario().describe())
        .put("webhooks", r.settings().webhooks().label())
        .put("scale", r.settings().scale()).put("request_cost_s", r.settings().requestCost())
        .put("warmup_fraction", r.settings().warmup())
        .put("floor_s", n(r.floor())).put("best_fixed_interval_s", n(r.bestFixed()))
        .put("best_fixed_cost_s", n(r.bestFixedCost()))
        .put("adaptive_over_stepped", n(r.row("adaptive").cost() / r.row("stepped").cost()))
        .put("rows", rows).put("seconds", n(r.seconds()));
    r.shift().ifPresent(sh -> o.put("shift", Json.obj().put("shift_at", sh.shiftAt())
        .put("floor_before_s", n(sh.floorBefore())).put("floor_after_s", n(sh.floorAfter()))
        .put("window", sh.window()).put("recovery_jobs", new LinkedHashMap<>(sh.recovery())).map()));
    return o.toString();
  }

  // ------------------------------------------------------------------ scale

  /**
   * Consecutive scale runs side by side, one column each; a goal holds when it holds in every
   * run, and the table says in which runs it does not.
   */
  public static String markdown(List<ScaleBench.Result> runs) {
    StringBuilder b = new StringBuilder();
    ScaleBench.Result r0 = runs.get(0);
    int n = runs.size();
    b.append(String.format(Locale.ROOT, "### `scale` — %d concurrent jobs, one client%s%n%n", r0.jobs(),
        n > 1 ? ", " + n + " consecutive runs" : ""));
    List<String> dropped = new ArrayList<>();
    List<String> wall = new ArrayList<>();
    for (ScaleBench.Result r : runs) {
      dropped.add(Integer.toString(r.firstAttemptDropped()));
      wall.add(String.format(Locale.ROOT, "%.1f", r.seconds()));
    }
    b.append(String.format(Locale.ROOT,
        "Durations uniform %.2f–%.2f s (unscaled), webhooks on, %.0f%% of webhook attempts dropped "
            + "(first attempt dropped for %s jobs), default `adaptive` schedule, %s s wall%s. "
            + "Simulator and client share the JVM: whole-JVM thread figures include both.%s%n%n",
        r0.minSeconds(), r0.maxSeconds(), r0.drop() * 100, String.join(" / ", dropped),
        String.join(" / ", wall), n > 1 ? " (run by run)" : "",
        n > 1 ? " One warm-up before the first run; each run has its own simulator, a fresh client"
            + " (nothing learned carries over) and its own seed." : ""));
    b.append("| figure |");
    for (int k = 1; k <= n; k++) {
      b.append(n > 1 ? " run " + k + " |" : " measured |");
    }
    b.append(" goal | holds |\n|---|").append("---:|".repeat(n)).append("---:|---|\n");
    row(b, runs, "resolved exactly once", r -> r.resolvedOnce() + "/" + r.jobs(), "all",
        r -> r.resolvedOnce() == r.jobs());
    row(b, runs, "resolved more than once / not at all", r -> r.resolvedMoreThanOnce() + " / " + r.failed(),
        "0 / 0", r -> r.resolvedMoreThanOnce() == 0 && r.failed() == 0);
    row(b, runs, "peak live threads, whole JVM", r -> Integer.toString(r.peakThreads()),
        "≤ " + PEAK_THREADS_GOAL, r -> r.peakThreads() <= PEAK_THREADS_GOAL);
    row(b, runs, "peak live threads, client only (sampled every 10 ms)",
        r -> Integer.toString(r.peakClientThreads()), "≤ " + PEAK_THREADS_GOAL,
        r -> r.peakClientThreads() <= PEAK_THREADS_GOAL);
    row(b, runs, "threads started, whole JVM", r -> Long.toString(r.threadsStarted()),
        "≤ " + STARTED_THREADS_GOAL, r -> r.threadsStarted() <= STARTED_THREADS_GOAL);
    row(b, runs, "client threads seen", r -> Integer.toString(r.clientThreadsSeen()), "", r -> true);
    row(b, runs, "heap used after GC (simulator + client + bench records)",
        r -> String.format(Locale.ROOT, "%.1f MB", r.heapAfterGcMb()),
        "≤ " + (int) heapGoalMb(runs.get(0).jobs()) + " MB",
        r -> r.heapAfterGcMb() <= heapGoalMb(r.jobs()));
    row(b, runs, "heap used after GC before the run",
        r -> String.format(Locale.ROOT, "%.1f MB", r.heapBaselineMb()), "", r -> true);
    row(b, runs, "webhook detection delay p50", r -> ms(r.webhookP50Ms()), "", r -> true);
    row(b, runs, "webhook detection delay p99 (all webhook-detected)", r -> ms(r.webhookP99Ms()),
        "≤ " + (int) WEBHOOK_P99_GOAL_MS + " ms", r -> r.webhookP99Ms() <= WEBHOOK_P99_GOAL_MS);
    row(b, runs, "webhook detection delay p99 (first attempt delivered)",
        r -> ms(r.webhookFirstAttemptP99Ms()), "≤ " + (int) WEBHOOK_P99_GOAL_MS + " ms",
        r -> r.webhookFirstAttemptP99Ms() <= WEBHOOK_P99_GOAL_MS);
    row(b, runs, "detected by webhook / by poll", r -> r.byWebhook() + " / " + r.byPoll(), "", r -> true);
    row(b, runs, "simulator delivery lag p50 / p99 (job end → first request out)",
        r -> ms(r.deliveryLagP50Ms()) + " / " + ms(r.deliveryLagP99Ms()), "", r -> true);
    row(b, runs, "polls per job", r -> String.format(Locale.ROOT, "%.3f", r.pollsPerJob()),
        "≤ " + SCALE_POLLS_GOAL, r -> r.pollsPerJob() <= SCALE_POLLS_GOAL);
    Set<String> names = new TreeSet<>();
    runs.forEach(r -> names.addAll(r.clientThreadNames()));
    b.append("\nClient threads seen").append(n > 1 ? " (all runs)" : "").append(": ")
        .append(String.join(", ", names)).append(".\n");
    return b.toString();
  }

  /** One JSON object for run {@code run} (from 1) of consecutive scale runs. */
  public static String json(ScaleBench.Result r, int run) {
    return Json.obj().put("scenario", "scale").put("run", run).put("jobs", r.jobs()).put("min_s", r.minSeconds())
        .put("max_s", r.maxSeconds()).put("drop", r.drop()).put("resolved_once", r.resolvedOnce())
        .put("resolved_more_than_once", r.resolvedMoreThanOnce()).put("not_resolved", r.failed())
        .put("by_webhook", r.byWebhook()).put("by_poll", r.byPoll())
        .put("polls_per_job", n(r.pollsPerJob())).put("peak_threads", r.peakThreads())
        .put("threads_started", r.threadsStarted()).put("peak_client_threads", r.peakClientThreads())
        .put("client_threads_seen", r.clientThreadsSeen())
        .put("heap_after_gc_mb", n(r.heapAfterGcMb())).put("heap_baseline_mb", n(r.heapBaselineMb()))
        .put("webhook_p50_ms", n(r.webhookP50Ms())).put("webhook_p99_ms", n(r.webhookP99Ms()))
        .put("webhook_first_attempt_p99_ms", n(r.webhookFirstAttemptP99Ms()))
        .put("first_attempt_dropped", r.firstAttemptDropped())
        .put("delivery_lag_p50_ms", n(r.deliveryLagP50Ms())).put("delivery_lag_p99_ms", n(r.deliveryLagP99Ms()))
        .put("seconds", n(r.seconds())).toString();
  }

  // ------------------------------------------------------------------ latency

  public static String markdown(LatencyBench.Result r) {
    StringBuilder b = new StringBuilder();
    b.append("### `latency` — one job at a time\n\n");
    b.append("| path | jobs | detected by that path | p50 | p99 | mean | goal (p50) | holds | poll round trip p50 / mean |\n");
    b.append("|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (LatencyBench.Path p : List.of(r.webhook(), r.poll(), r.declared())) {
      String name = p.name().equals("poll") ? String.format(Locale.ROOT, "poll, fixed(%.0f ms)", r.pollIntervalMs())
          : p.name().equals("poll-declared") ? String.format(Locale.ROOT,
              "poll, fixed(%.0f ms), `JobProtocol.replicate()` + a header, on the stand-in", r.pollIntervalMs())
          : p.name();
      b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | ≤ %s | %s | %s |%n",
          name, p.resolved(), p.detectedAsExpected(), ms(p.p50Ms()), ms(p.p99Ms()), ms(p.meanMs()),
          ms(p.goalMs()), holds(p.p50Ms() <= p.goalMs()),
          p.roundTripMeanMs() > 0 ? ms(p.roundTripP50Ms()) + " / " + ms(p.roundTripMeanMs()) : "—"));
    }
    b.append("\nThe declared protocol's goal is the built-in poll path's p50 plus 10 %.\n");
    b.append(String.format(Locale.ROOT, "%nFloor: a bare JDK `HttpClient` POST to a bare `HttpServer` on "
        + "loopback, %d in a row in this run: p50 %s, mean %s. Webhook p50 ÷ floor = %.1f (goal ≤ 2: %s).%n",
        r.webhook().jobs(), ms(r.floorP50Ms()), ms(r.floorMeanMs()), r.webhook().p50Ms() / r.floorP50Ms(),
        holds(r.webhook().p50Ms() <= 2 * r.floorP50Ms())));
    b.append(String.format(Locale.ROOT, "The same round trip after 20 ms idle each (as a webhook "
        + "finds both sides after its job's run): p50 %s; webhook p50 ÷ that = %.1f.%n",
        ms(r.idleFloorP50Ms()), r.webhook().p50Ms() / r.idleFloorP50Ms()));
    b.append("\nThe webhook path stage by stage (each stage from the stamp before; `StageStamps`, bench only):\n\n");
    b.append("| stage | p50 | p99 |\n|---|---:|---:|\n");
    for (Stages.Stage s : r.stages()) {
      b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", s.name(), ms(s.p50Ms()), ms(s.p99Ms())));
    }
    return b.toString();
  }

  public static String json(LatencyBench.Result r) {
    Json.ObjectBuilder o = Json.obj().put("scenario", "latency").put("poll_interval_ms", r.pollIntervalMs());
    for (LatencyBench.Path p : List.of(r.webhook(), r.poll(), r.declared())) {
      Json.ObjectBuilder path = Json.obj().put("jobs", p.jobs()).put("resolved", p.resolved())
          .put("detected_by_path", p.detectedAsExpected()).put("p50_ms", n(p.p50Ms()));
      if (p == r.webhook()) {
        path.put("floor_p50_ms", n(r.floorP50Ms())).put("floor_mean_ms", n(r.floorMeanMs()))
            .put("p50_over_floor", n(p.p50Ms() / r.floorP50Ms()))
            .put("idle_floor_p50_ms", n(r.idleFloorP50Ms()))
            .put("p50_over_idle_floor", n(p.p50Ms() / r.idleFloorP50Ms()));
      }
      o.put(p.name(), path.put("p99_ms", n(p.p99Ms())).put("mean_ms", n(p.meanMs()))
          .put("goal_p50_ms", n(p.goalMs())).put("round_trip_p50_ms", n(p.roundTripP50Ms()))
          .put("round_trip_mean_ms", n(p.roundTripMeanMs())).map());
    }
    List<Object> st = new java.util.ArrayList<>();
    for (Stages.Stage s : r.stages()) {
      st.add(Json.obj().put("stage", s.name()).put("p50_ms", n(s.p50Ms())).put("p99_ms", n(s.p99Ms())).map());
    }
    return o.put("webhook_stages", st).put("seconds", n(r.seconds())).toString();
  }

  // ------------------------------------------------------------------ helpers

  private static void row(StringBuilder b, List<ScaleBench.Result> runs, String what,
      Function<ScaleBench.Result, String> value, String goal, Predicate<ScaleBench.Result> ok) {
    b.append("| ").append(what).append(" |");
    List<String> failing = new ArrayList<>();
    for (int k = 0; k < runs.size(); k++) {
      b.append(' ').append(value.apply(runs.get(k))).append(" |");
      if (!ok.test(runs.get(k))) {
        failing.add(Integer.toString(k + 1));
      }
    }
    String verdict = goal.isEmpty() ? ""
        : failing.isEmpty() ? (runs.size() > 1 ? "holds in every run" : "holds")
        : runs.size() > 1 ? "**fails** in run " + String.join(", ", failing) : "**fails**";
    b.append(' ').append(goal).append(" | ").append(verdict).append(" |\n");
  }

  static String holds(boolean ok) {
    return ok ? "holds" : "**fails**";
  }

  /** A JSON-safe number: rounded to 6 significant places, null when not finite. */
  static Object n(double v) {
    if (!Double.isFinite(v)) {
      return null;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros();
  }

  private static String num(double v) {
    return n(v) == null ? "?" : ((java.math.BigDecimal) n(v)).toPlainString();
  }

  private static String sec(double s) {
    return Double.isFinite(s) ? String.format(Locale.ROOT, "%.3fs", s) : "?";
  }

  private static String ms(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f ms", v) : "?";
  }
}
