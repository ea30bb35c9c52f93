package io.vtstatus.internal.schedule;

import java.time.Duration;
import java.util.Optional;

/**
 * A bounded, forgetting, online record of job durations: the jobs that ended, and the watches
 * that gave up before their job ended (right-censored: the job ran at least that long).
 *
 * <p>Durations fall into {@value #BINS_PER_DECADE} log-spaced bins per decade from 1 ms to 24 h
 * (plus one bin for [0, 1 ms)); longer durations count in the last bin. Memory is fixed at four
 * arrays of {@link #bins()} doubles however many observations arrive.
 *
 * <p>Forgetting is exponential: an observation's weight halves for every {@code halfLife} jobs
 * that ended after it <em>started</em> ({@link #add(double, long)} takes how many ended while
 * it ran; see {@link EndCounter} for why not simply after it ended). So after a shift in the
 * distribution the old regime holds less than 5% of the weight after about 4.3 half-lives.
 * Rather than decaying every bin on every observation, each new observation weighs
 * {@code 2^(1/halfLife)} times the previous one and the arrays are rescaled only when weights
 * grow large: {@link #add} is O(1). A censored record does not advance that clock: a client
 * closed with a thousand watches open must not push out what it learned.
 *
 * <p>Each bin also keeps the sum of squared weights, so the estimate knows how many
 * observations its weights amount to (Kish: (Σw)² / Σw²) wherever it looks, and priors weigh
 * as that many jobs, not as that much weight.
 *
 * <p>{@link #snapshot(double[], double[], Optional)} turns the record, plus the jobs still
 * running, into the {@link LearnedModel} with the product-limit estimate ({@link ProductLimit}).
 *
 * <p>Thread-safe: writers and snapshots synchronise on this object; a {@link LearnedModel} is
 * immutable.
 */
public final class DurationHistogram {
  /** Bins per factor of ten in duration (each bin spans a factor of 10^(1/20) ≈ 1.122). */
  public static final int BINS_PER_DECADE = 20;
  /** The weight, in jobs, with which each bin's hazard leans toward the lognormal fit. */
  static final double PRIOR_AT_RISK = 1;

  static final double MIN_SECONDS = 1e-3;
  static final double MAX_SECONDS = 86_400;
  private static final int LOG_BINS =
      (int) Math.ceil(BINS_PER_DECADE * Math.log10(MAX_SECONDS / MIN_SECONDS));
  /** The bin edges in seconds: bin i is [EDGES[i], EDGES[i+1]); never written after start-up. */
  static final double[] EDGES = edges();
  private static final double RESCALE_ABOVE = 1e100;

  private final double growth;
  private final Bins ended = new Bins(LOG_BINS + 1);
  private final Bins censored = new Bins(LOG_BINS + 1);
  private double nextWeight = 1.0;
  private long count;
  private long censoredCount;

  /** An empty histogram whose observations lose half their weight every {@code halfLife}. */
  public DurationHistogram(double halfLife) {
    if (!(halfLife > 0) || Double.isInfinite(halfLife)) {
      throw new IllegalArgumentException("Invalid half-life: " + halfLife);
    }
    this.growth = Math.pow(2.0, 1.0 / halfLife);
  }

  private static double[] edges() {
    double[] e = new double[LOG_BINS + 2];
    e[0] = 0;
    for (int i = 1; i < e.length; i++) {
      e[i] = MIN_SECONDS * Math.pow(10.0, (i - 1) / (double) BINS_PER_DECADE);
    }
    return e;
  }

  /** The number of bins: fixed, whatever the number of observations. */
  public int bins() {
    return ended.w.length;
  }

  static int binOf(double seconds) {
    if (!(seconds >= MIN_SECONDS)) {
      return 0;
    }
    if (seconds >= MAX_SECONDS) {
      return LOG_BINS;
    }
    int i = 1 + (int) Math.floor(BINS_PER_DECADE * Math.log10(seconds / MIN_SECONDS));
    // Guard floating-point edge cases so the bin really contains the value.
    if (i > 1 && seconds < EDGES[i]) {
      i--;
    } else if (i < LOG_BINS && seconds >= EDGES[i + 1]) {
      i++;
    }
    return Math.min(i, LOG_BINS);
  }

  /**
   * Per-bin weights and squared weights. {@code w[i]} and {@code sq[i]} describe the
   * observations in bin i; scaling all weights by k scales them by k and k².
   */
  static final class Bins {
    final double[] w;
    final double[] sq;

    Bins(int n) {
      w = new double[n];
      sq = new double[n];
    }

    Bins(double[] w, double[] sq) {
      this.w = w;
      this.sq = sq;
    }

    void add(int i, double weight) {
      w[i] += weight;
      sq[i] += weight * weight;
    }

    void scale(double k) {
      for (int i = 0; i < w.length; i++) {
        w[i] *= k;
        sq[i] *= k * k;
      }
    }

    Bins copy(double k) {
      Bins b = new Bins(w.length);
      for (int i = 0; i < w.length; i++) {
        b.w[i] = w[i] * k;
        b.sq[i] = sq[i] * k * k;
      }
      return b;
    }

    double total() {
      double t = 0;
      for (double v : w) {
        t += v;
      }
      return t;
    }

    double totalSquares() {
      double t = 0;
      for (double v : sq) {
        t += v;
      }
      return t;
    }
  }

  /** Records one job's duration. */
  public void add(Duration d) {
    add(d.toNanos() / 1e9);
  }

  /** Records one job's duration in seconds; negative or NaN values are ignored. */
  public void add(double seconds) {
    add(seconds, 0);
  }

  /**
   * Records one job's duration in seconds, weighed as a job that started {@code endsDuring}
   * observations ago (the jobs that ended while it ran: see {@link EndCounter}). Negative or NaN
   * values are ignored.
   */
  public synchronized void add(double seconds, long endsDuring) {
    if (seconds >= 0) {
      weigh(seconds, nextWeight * age(endsDuring));
      count++;
    }
  }

  /** The weight of a job started {@code endsDuring} observations ago, relative to a new one. */
  double age(long endsDuring) {
    return endsDuring <= 0 ? 1 : Math.pow(growth, -Math.min(endsDuring, 1_000_000));
  }

  /**
   * Keeps only {@code share} of the weight recorded so far, then records {@code recent} again at
   * full weight (oldest first): jobs already counted, whose durations are the new regime's.
   * Negative or NaN values are skipped.
   */
  public synchronized void restart(double share, double[] recent) {
    forget(share);
    for (double x : recent) {
      if (x >= 0) {
        weigh(x, nextWeight);
      }
    }
  }

  private void weigh(double seconds, double w) {
    ended.add(binOf(seconds), w);
    nextWeight *= growth;
    if (nextWeight > RESCALE_ABOVE) {
      double k = 1.0 / nextWeight;
      ended.scale(k);
      censored.scale(k);
      nextWeight *= k;
    }
  }

  /**
   * Records a job known to have run at least {@code seconds} (its watch gave up first).
   * Negative, zero or NaN values carry no information and are ignored.
   */
  public void addCensored(double seconds) {
    addCensored(seconds, 0);
  }

  /** As {@link #addCensored(double)}, for a job that started {@code endsDuring} observations ago. */
  public synchronized void addCensored(double seconds, long endsDuring) {
    if (!(seconds > 0)) {
      return;
    }
    censored.add(binOf(seconds), nextWeight / growth * age(endsDuring));
    censoredCount++;
  }

  /**
   * Keeps only {@code share} (in [0, 1]) of the weight of everything recorded so far: the
   * memory is cut short after the durations were seen to change.
   */
  public synchronized void forget(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("Invalid share: " + share);
    }
    ended.scale(share);
    censored.scale(share);
  }

  /** How many jobs that ended were ever added (not decayed). */
  public synchronized long count() {
    return count;
  }

  /** How many censored records were ever added (not decayed). */
  public synchronized long censoredCount() {
    return censoredCount;
  }

  /**
   * The effective number of jobs that ended, after forgetting (Kish: (Σw)² / Σw²); it levels
   * off at about 2.9 half-lives.
   */
  public synchronized double effectiveCount() {
    return kish(ended.total(), ended.totalSquares());
  }

  static double kish(double sum, double squares) {
    return squares > 0 ? sum * sum / squares : 0;
  }

  /** The current estimate from what was recorded, with no job counted as still running. */
  public LearnedModel snapshot() {
    return snapshot(new double[0], new double[0], Optional.empty());
  }

  /**
   * The current estimate: the product-limit estimate over the jobs that ended, the censored
   * records and the jobs still running ({@code runningAges[i]} seconds: the age at which one was
   * last seen running; {@code runningWeights[i]} its weight, 1 for a job started now, as from
   * {@link #age}), smoothed with a [1, 2, 1] kernel across neighbouring bins (so the density,
   * and the hazard f/S, do not jump with every sample). {@code start}
   * seeds the lognormal fit (pass the previous snapshot's {@link LearnedModel#fit()}).
   */
  public LearnedModel snapshot(double[] runningAges, double[] runningWeights,
      Optional<LogNormalFit> start) {
    if (runningAges.length != runningWeights.length) {
      throw new IllegalArgumentException("ages and weights differ in length");
    }
    State st = state();
    Bins cen = new Bins(st.censored.w.clone(), st.censored.sq.clone());
    for (int i = 0; i < runningAges.length; i++) {
      if (runningAges[i] > 0 && runningWeights[i] > 0) {
        cen.add(binOf(runningAges[i]), runningWeights[i]);
      }
    }
    Optional<LogNormalFit> fit = LogNormalFit.fit(st.ended, st.censored, runningAges, runningWeights,
        EDGES, start);
    double[] w = ProductLimit.probabilities(st.ended, cen, EDGES, fit, PRIOR_AT_RISK);
    return new LearnedModel(smooth(w), st.count, st.effective(), fit);
  }

  /** A [1, 2, 1] kernel across neighbouring bins, renormalised. */
  static double[] smooth(double[] w) {
    double[] p = new double[w.length];
    double total = 0;
    for (int i = 0; i < w.length; i++) {
      double left = i > 0 ? w[i - 1] : w[i];
      double right = i + 1 < w.length ? w[i + 1] : w[i];
      // Bin 0 is [0, 1 ms): not a log bin, so it is not smoothed into its neighbour.
      p[i] = i <= 1 ? w[i] : 0.25 * left + 0.5 * w[i] + 0.25 * right;
      total += p[i];
    }
    if (total > 0) {
      for (int i = 0; i < p.length; i++) {
        p[i] /= total;
      }
    }
    return p;
  }

  /**
   * What was recorded, normalised so that a job that started just now would weigh 1: what a
   * state file holds.
   */
  public synchronized State state() {
    double k = growth / nextWeight;
    return new State(ended.copy(k), censored.copy(k), count, censoredCount);
  }

  /**
   * Replaces what was recorded by {@code s} (as from {@link #state()}, perhaps of another
   * process). {@code s} must have this histogram's number of bins.
   */
  public synchronized void restore(State s) {
    if (s.ended.w.length != bins() || s.censored.w.length != bins()) {
      throw new IllegalArgumentException("want " + bins() + " bins, not " + s.ended.w.length);
    }
    for (int i = 0; i < bins(); i++) {
      ended.w[i] = s.ended.w[i];
      ended.sq[i] = s.ended.sq[i];
      censored.w[i] = s.censored.w[i];
      censored.sq[i] = s.censored.sq[i];
    }
    nextWeight = growth;
    count = s.count;
    censoredCount = s.censoredCount;
  }

  /**
   * A recorded state: per-bin weights and squared weights of jobs that ended and of censored
   * records (a job started just now would weigh 1), and the counts ever added.
   */
  public static final class State {
    final Bins ended;
    final Bins censored;
    final long count;
    final long censoredCount;

    State(Bins ended, Bins censored, long count, long censoredCount) {
      this.ended = ended;
      this.censored = censored;
      this.count = count;
      this.censoredCount = censoredCount;
    }

    /** The effective number of jobs that ended. */
    double effective() {
      return kish(ended.total(), ended.totalSquares());
    }

    /**
     * Builds a state from its parts (read from a file), checking that every weight is usable
     * and that no bin's squares exceed its weight squared (which no real record can produce).
     */
    static State of(double[] ended, double[] endedSq, double[] censored, double[] censoredSq,
        long count, long censoredCount) {
      int n = ended.length;
      if (endedSq.length != n || censored.length != n || censoredSq.length != n) {
        throw new IllegalArgumentException("arrays differ in length");
      }
      for (double[] a : new double[][] {ended, endedSq, censored, censoredSq}) {
        for (double v : a) {
          if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("weight " + v);
          }
        }
      }
      for (int i = 0; i < n; i++) {
        if (endedSq[i] > ended[i] * ended[i] * (1 + 1e-6) + 1e-300
            || censoredSq[i] > censored[i] * censored[i] * (1 + 1e-6) + 1e-300) {
          throw new IllegalArgumentException("squares exceed weights in bin " + i);
        }
      }
      if (count < 0 || censoredCount < 0) {
        throw new IllegalArgumentException("negative counts");
      }
      return new State(new Bins(ended.clone(), endedSq.clone()),
          new Bins(censored.clone(), censoredSq.clone()), count, censoredCount);
    }
  }
}
