package io.vtstatus.internal.sim;

import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A simulator's validated, immutable configuration (the public builder checks the values). */
public record Config(
    String host,
    int port,
    JobDurations delay,
    double errorRate,
    boolean hints,
    double failRate,
    double throttleRate,
    Duration latencyMin,
    Duration latencyMax,
    double dropWebhooks,
    double duplicateWebhooks,
    List<Duration> webhookRetries,
    Duration webhookTimeout,
    Duration retain,
    int maxJobs,
    int maxWebhooks,
    SimulatorServer.Signing signing,
    Duration rotationOverlap,
    long seed,
    Clock clock,
    Optional<PrintStream> log,
    Optional<StandIn> standIn,
    Optional<String> apiKey,
    Duration maxWait) {

  /**
   * The simulator honours no {@code Prefer: wait=N} unless told to: clients send it by default,
   * and a server that answers at once is what every existing user of the simulator expects.
   */
  public static final Duration DEFAULT_MAX_WAIT = Duration.ZERO;

  /** Copies the retry list so the config stays immutable. */
  public Config {
    webhookRetries = List.copyOf(webhookRetries);
  }

  /** The simulator of the vtstatus protocol only, with no key. */
  public Config(String host, int port, JobDurations delay, double errorRate, boolean hints,
      double failRate, double throttleRate, Duration latencyMin, Duration latencyMax,
      double dropWebhooks, double duplicateWebhooks, List<Duration> webhookRetries,
      Duration webhookTimeout, Duration retain, int maxJobs, int maxWebhooks,
      SimulatorServer.Signing signing, Duration rotationOverlap, long seed, Clock clock,
      Optional<PrintStream> log) {
    this(host, port, delay, errorRate, hints, failRate, throttleRate, latencyMin, latencyMax,
        dropWebhooks, duplicateWebhooks, webhookRetries, webhookTimeout, retain, maxJobs,
        maxWebhooks, signing, rotationOverlap, seed, clock, log, Optional.empty(), Optional.empty(),
        DEFAULT_MAX_WAIT);
  }

  /** {@code toString} of a record would print the key. */
  @Override
  public String toString() {
    return "Config[" + host + ":" + port + ", standIn=" + standIn.map(StandIn::name).orElse("none")
        + ", apiKey=" + (apiKey.isPresent() ? "[redacted]" : "none") + "]";
  }
}
