package io.vtstatus.internal.cli;

import io.vtstatus.internal.util.Durations;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiConsumer;

/** {@code vtstatus server}: runs the simulator in the foreground until Ctrl-C. */
final class ServerCommand {
  static final String USAGE =
      String.join(
          "\n",
          "usage: vtstatus server [options]",
          "",
          "Runs the job-status simulator (wire protocol v1, see docs/PROTOCOL.md) until Ctrl-C.",
          "",
          "  --host ADDR              address to bind (default 127.0.0.1)",
          "  --port N                 port to bind, 0 for any (default 8080)",
          "  --delay D                job duration: 5s, a range 5s..15s, or lognormal:3s,0.3",
          "                           (default 5s..15s)",
          "  --error-rate F           fraction of jobs ending in error, 0..1 (default 0.0)",
          "  --hints                  pending /status answers carry progress, eta_ms, Retry-After",
          "  --fail-rate F            fraction of /status answered 503 + Retry-After: 1 (default 0.0)",
          "  --throttle-rate F        fraction of /status answered 429 + Retry-After: 1 (default 0.0)",
          "  --latency A..B           delay every response uniformly in A..B (default 0ms..0ms)",
          "  --drop-webhooks F        fraction of webhook attempts silently not sent (default 0.0)",
          "  --duplicate-webhooks F   fraction of delivered webhooks sent twice (default 0.0)",
          "  --webhook-retries LIST   delays before each attempt (default 0,100ms,500ms,2s,10s,30s)",
          "  --webhook-timeout D      total time of each webhook attempt, connect to body (default 5s)",
          "  --retain D               how long ended jobs stay readable (default 1h)",
          "  --max-wait D             hold /status reads that send Prefer: wait=N up to D, whole",
          "                           seconds, e.g. 50s (default 0: none held)",
          "  --max-jobs N             most jobs held; the first ended is evicted first (default 100000)",
          "  --max-webhooks N         most webhook registrations held (default 1000)",
          "  --signing S              webhook signatures: v1 (HMAC, whsec_), v1a (Ed25519: the",
          "                           registration answer carries the whpk_ public key) or both",
          "                           (default v1)",
          "  --rotation-overlap D     after POST /webhooks/ID/rotate, how long the old keys sign",
          "                           beside the new ones (default 24h)",
          "  --seed N                 make every random choice reproducible",
          "  --protocol NAME          stand in for another API: replicate, openai-batch,",
          "                           heygen-translate or assemblyai (its status path, shapes and",
          "                           words; see docs/PROTOCOLS.md); default vtstatus",
          "  --api-key KEY            demand KEY in that API's auth header (401 without it);",
          "                           env:NAME reads it from the environment",
          "  --webhook-header 'N: V'  the static header AssemblyAI's webhooks carry (its",
          "                           webhook_auth_header_name/value); a value env:NAME reads",
          "                           the environment. Replicate and OpenAI sign with Standard",
          "                           Webhooks (--signing), HeyGen's callbacks are unsigned.",
          "                           Webhooks go to the URL POST /jobs names in \"webhook\"",
          "  --help                   show this help",
          "",
          "Durations take a unit: 250ms, 5s, 2m. Flags accept --flag VALUE or --flag=VALUE.");

  private ServerCommand() {}

  /** Runs the command; returns the exit code (0 after --help, 2 on a bad flag, 1 if bind fails). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Optional<SimulatorServer.Builder> parsed;
    try {
      parsed = parse(args);
    } catch (Args.UsageException e) {
      err.println("vtstatus server: " + e.getMessage() + " (see --help)");
      return 2;
    }
    if (parsed.isEmpty()) {
      out.println(USAGE);
      return 0;
    }
    SimulatorServer server = parsed.get().log(out).build();
    try {
      server.start();
    } catch (IOException e) {
      err.println("vtstatus server: cannot listen: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      out.println("vtstatus simulator stopped");
      out.flush();
      stopped.countDown();
    }, "vtstatus-sim-shutdown"));
    out.println("vtstatus simulator listening on " + server.url() + "  (Ctrl-C to stop)");
    out.println("try: curl -s " + server.url("/status") + " ; curl -s -X POST " + server.url("/jobs"));
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /**
   * The flags that take a value, and what each sets; the builder checks every value, this only
   * turns text into the builder's types.
   */
  private static final Map<String, BiConsumer<SimulatorServer.Builder, String>> VALUED = valued();

  private static Map<String, BiConsumer<SimulatorServer.Builder, String>> valued() {
    Map<String, BiConsumer<SimulatorServer.Builder, String>> m = new LinkedHashMap<>();
    m.put("host", SimulatorServer.Builder::host);
    m.put("port", (b, v) -> b.port(integer(v)));
    m.put("delay", (b, v) -> b.delay(JobDurations.parse(v)));
    m.put("error-rate", (b, v) -> b.errorRate(fraction(v)));
    m.put("fail-rate", (b, v) -> b.failRate(fraction(v)));
    m.put("throttle-rate", (b, v) -> b.throttleRate(fraction(v)));
    m.put("latency", ServerCommand::latency);
    m.put("drop-webhooks", (b, v) -> b.dropWebhooks(fraction(v)));
    m.put("duplicate-webhooks", (b, v) -> b.duplicateWebhooks(fraction(v)));
    m.put("webhook-retries", (b, v) -> b.webhookRetries(retries(v)));
    m.put("webhook-timeout", (b, v) -> b.webhookTimeout(Durations.parse(v)));
    m.put("retain", (b, v) -> b.retain(Durations.parse(v)));
    m.put("max-wait", (b, v) -> b.maxWait(durationOrZero(v)));
    m.put("max-jobs", (b, v) -> b.maxJobs(integer(v)));
    m.put("max-webhooks", (b, v) -> b.maxWebhooks(integer(v)));
    m.put("signing", (b, v) -> b.signing(signing(v)));
    m.put("rotation-overlap", (b, v) -> b.rotationOverlap(durationOrZero(v)));
    m.put("seed", (b, v) -> b.seed(longValue(v)));
    return Collections.unmodifiableMap(m);
  }

  /**
   * Parses the flags into a builder (with the CLI's default port 8080); empty when {@code --help}
   * (or {@code -h}) was asked for.
   *
   * @throws Args.UsageException with a one-line message for a bad flag or value
   */
  static Optional<SimulatorServer.Builder> parse(String[] args) throws Args.UsageException {
    return parse(args, System::getenv);
  }

  /** As {@link #parse(String[])}, {@code env} giving {@code --api-key env:NAME}'s variable. */
  static Optional<SimulatorServer.Builder> parse(String[] args, java.util.function.Function<String, String> env)
      throws Args.UsageException {
    Set<String> valued = new java.util.HashSet<>(VALUED.keySet());
    valued.add("protocol");
    valued.add("api-key");
    valued.add("webhook-header");
    Args a = Args.parse(args, valued, Set.of("hints", "help"));
    if (a.has("help") || a.positional().contains("-h")) {
      return Optional.empty();
    }
    if (!a.positional().isEmpty()) {
      throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
    }
    SimulatorServer.Builder b = SimulatorServer.builder().port(8080).hints(a.has("hints"));
    for (Map.Entry<String, BiConsumer<SimulatorServer.Builder, String>> flag : VALUED.entrySet()) {
      Optional<String> v = a.get(flag.getKey());
      if (v.isPresent()) {
        try {
          flag.getValue().accept(b, v.get());
        } catch (IllegalArgumentException e) {
          throw new Args.UsageException("--" + flag.getKey() + " " + v.get() + ": " + e.getMessage());
        }
      }
    }
    Optional<String> protocol = a.get("protocol");
    if (protocol.isPresent()) {
      io.vtstatus.JobProtocol p = CliProtocols.named(protocol.get());
      if (p == null) {
        throw new Args.UsageException("--protocol " + Args.printable(protocol.get()) + ": want one of "
            + String.join(", ", CliProtocols.NAMES));
      }
      b.protocol(p);
    }
    Optional<String> key = a.get("api-key");
    if (key.isPresent()) {
      String k = key.get();
      if (k.startsWith("env:")) {
        k = env.apply(k.substring(4));
        if (k == null) {
          throw new Args.UsageException("--api-key " + Args.printable(key.get()) + ": not set");
        }
      }
      try {
        b.apiKey(k);
      } catch (IllegalArgumentException e) {
        // The message names no value: the key is a secret.
        throw new Args.UsageException("--api-key: " + e.getMessage());
      }
    }
    Optional<String> hook = a.get("webhook-header");
    if (hook.isPresent()) {
      Map<String, String> h = CliProtocols.headers(java.util.List.of(hook.get()), env);
      Map.Entry<String, String> e = h.entrySet().iterator().next();
      try {
        b.webhookHeader(e.getKey(), e.getValue());
      } catch (IllegalArgumentException x) {
        throw new Args.UsageException("--webhook-header: " + x.getMessage());
      }
    }
    return Optional.of(b);
  }

  /** {@code A..B}, or {@code A} for a fixed latency. */
  private static void latency(SimulatorServer.Builder b, String v) {
    int dots = v.indexOf("..");
    Duration min = Durations.parse(dots < 0 ? v : v.substring(0, dots));
    Duration max = dots < 0 ? min : Durations.parse(v.substring(dots + 2));
    b.latency(min, max);
  }

  /** A duration; a bare {@code 0} is allowed since it needs no unit. */
  private static Duration durationOrZero(String v) {
    return v.trim().equals("0") ? Duration.ZERO : Durations.parse(v);
  }

  static SimulatorServer.Signing signing(String v) {
    switch (v.trim()) {
      case "v1": return SimulatorServer.Signing.V1;
      case "v1a": return SimulatorServer.Signing.V1A;
      case "both": return SimulatorServer.Signing.BOTH;
      default: throw new IllegalArgumentException("want v1, v1a or both");
    }
  }

  /** {@code 0,100ms,2s}; a bare {@code 0} is allowed since it needs no unit. */
  static List<Duration> retries(String v) {
    List<Duration> out = new ArrayList<>();
    for (String part : v.split(",", -1)) {
      out.add(durationOrZero(part.trim()));
    }
    return out;
  }

  private static int integer(String v) {
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
  }

  private static long longValue(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an integer");
    }
  }

  private static double fraction(String v) {
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number");
    }
  }
}
