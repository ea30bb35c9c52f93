package io.vtstatus.internal.bench;

import io.vtstatus.internal.util.StageStamps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The webhook path stage by stage (issue 23): a {@link StageStamps} sink that keeps, per job, the
 * {@code System.nanoTime()} of each stage (the simulator and the client run in this JVM, so one
 * clock), then each stage's share as p50/p99 over the jobs measured.
 */
final class Stages implements StageStamps.Sink {
  /** One stage's figures, milliseconds. */
  record Stage(String name, double p50Ms, double p99Ms) {}

  /** The stages as measured: from the stamp before to this one. */
  private static final String[] NAMES = {
    "true end → simulator ends the job (its timer)",
    "job ended → delivery thread fans out",
    "delivery thread → sender thread picks it up",
    "sender: sign, build the request",
    "request sent → client's handler has headers and body",
    "handler: read body, verify, parse",
    "verified → event reaches the watcher",
    "watcher → watch completed (schedule learns)",
    "watch completed → `completed` callback (detected)",
    "detected → caller's `get()` returns",
  };

  private final ConcurrentHashMap<String, long[]> stamps = new ConcurrentHashMap<>();

  @Override
  public void at(int stage, String jobId, long nanos) {
    long[] s = stamps.computeIfAbsent(jobId, k -> new long[StageStamps.STAGES]);
    synchronized (s) {
      // The first stamp of a stage counts (a duplicate delivery comes later).
      if (s[stage] == 0) {
        s[stage] = nanos;
      }
    }
  }

  void forget() {
    stamps.clear();
    rows.clear();
    acks.clear();
  }

  /** Per job: its true end, its detection, the caller's wake-up, and the probe's stamps. */
  private final List<long[]> rows = new ArrayList<>();
  /** Per job: verified → the sender's answer written, off the detection path, ms. */
  private final List<Double> acks = new ArrayList<>();

  /** Records one measured job: {@code trueEnd}, {@code detected} and {@code woken} are nanoTimes. */
  void job(String jobId, long trueEnd, long detected, long woken) {
    long[] s = stamps.remove(jobId);
    if (s == null) {
      return;
    }
    long[] row = new long[NAMES.length + 1];
    long ack;
    synchronized (s) {
      row[0] = trueEnd;
      for (int i = 0; i <= StageStamps.WATCH_COMPLETED; i++) {
        row[i + 1] = s[i];
      }
      ack = s[StageStamps.ACKNOWLEDGED];
    }
    row[StageStamps.WATCH_COMPLETED + 2] = detected;
    row[StageStamps.WATCH_COMPLETED + 3] = woken;
    rows.add(row);
    if (ack != 0) {
      acks.add((ack - row[StageStamps.VERIFIED + 1]) / 1e6);
    }
  }

  /** Each stage's p50/p99 over the jobs that passed every stage, then the whole path. */
  List<Stage> table() {
    List<long[]> full = new ArrayList<>();
    for (long[] r : rows) {
      if (Arrays.stream(r).allMatch(t -> t != 0)) {
        full.add(r);
      }
    }
    List<Stage> out = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      double[] d = new double[full.size()];
      for (int j = 0; j < d.length; j++) {
        d[j] = (full.get(j)[i + 1] - full.get(j)[i]) / 1e6;
      }
      out.add(new Stage(NAMES[i], Stats.percentile(d, 0.5), Stats.percentile(d, 0.99)));
    }
    double[] all = new double[full.size()];
    for (int j = 0; j < all.length; j++) {
      all[j] = (full.get(j)[NAMES.length] - full.get(j)[0]) / 1e6;
    }
    out.add(new Stage("whole path: true end → caller woken (" + full.size() + " jobs)",
        Stats.percentile(all, 0.5), Stats.percentile(all, 0.99)));
    double[] a = acks.stream().mapToDouble(Double::doubleValue).toArray();
    out.add(new Stage("(aside) verified → 204 written", Stats.percentile(a, 0.5),
        Stats.percentile(a, 0.99)));
    return out;
  }
}
