package io.vtstatus.internal.cli;

import io.vtstatus.internal.util.Durations;
import io.vtstatus.simulator.JobDurations;
import io.vtstatus.simulator.SimulatorServer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

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
          "  --max-jobs N             most jobs held; the first ended is evicted first (default 100000)",
          "  --max-webhooks N         most webhook registrations held (default 1000)",
          "  --signing S              webhook signatures: v1 (HMAC, whsec_), v1a (Ed25519: the",
          "                           registration answer carries the whpk_ public key) or both",
          "                           (default v1)",
          "  --rotation-overlap D     after POST /webhooks/ID/rotate, how long the old keys sign",
          "                           beside the new ones (default 24h)",
          "  --seed N                 make every random choice reproducible",
          "  --help                   show this help",
          "",
          "Durations take a unit: 250ms, 5s, 2m. Flags accept --flag VALUE or --flag=VALUE.");

  private ServerCommand() {}

  /** Runs the command; returns the exit code (0 after --help, 2 on a bad flag, 1 if bind fails). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Optional<SimulatorServer.Builder> parsed;
    try {
      parsed = parse(args);
    } catch (IllegalArgumentException e) {
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
   * Parses the flags into a builder (with the CLI's default port 8080); empty when {@code --help}
   * was asked for.
   *
   * @throws IllegalArgumentException with a one-line message for a bad flag or value
   */
  static Optional<SimulatorServer.Builder> parse(String[] args) {
    SimulatorServer.Builder b = SimulatorServer.builder().port(8080);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      if (flag.equals("--help") || flag.equals("-h")) {
        return Optional.empty();
      }
      if (flag.equals("--hints")) {
        if (inline != null) {
          throw new IllegalArgumentException("--hints takes no value");
        }
        b.hints(true);
        continue;
      }
      if (!isValued(flag)) {
        throw new IllegalArgumentException("unknown flag '" + arg + "'");
      }
      String v;
      if (inline != null) {
        v = inline;
      } else if (i + 1 < args.length) {
        v = args[++i];
      } else {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      try {
        apply(b, flag, v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " " + v + ": " + e.getMessage());
      }
    }
    return Optional.of(b);
  }

  private static boolean isValued(String flag) {
    switch (flag) {
      case "--host": case "--port": case "--delay": case "--error-rate": case "--fail-rate":
      case "--throttle-rate": case "--latency": case "--drop-webhooks":
      case "--duplicate-webhooks": case "--webhook-retries": case "--webhook-timeout":
      case "--retain": case "--max-jobs": case "--max-webhooks": case "--seed":
      case "--signing": case "--rotation-overlap":
        return true;
      default:
        return false;
    }
  }

  private static void apply(SimulatorServer.Builder b, String flag, String v) {
    switch (flag) {
      case "--host": b.host(v); break;
      case "--port": b.port(integer(v)); break;
      case "--delay": b.delay(JobDurations.parse(v)); break;
      case "--error-rate": b.errorRate(fraction(v)); break;
      case "--fail-rate": b.failRate(fraction(v)); break;
      case "--throttle-rate": b.throttleRate(fraction(v)); break;
      case "--latency": {
        int dots = v.indexOf("..");
        Duration min = Durations.parse(dots < 0 ? v : v.substring(0, dots));
        Duration max = dots < 0 ? min : Durations.parse(v.substring(dots + 2));
        b.latency(min, max);
        break;
      }
      case "--drop-webhooks": b.dropWebhooks(fraction(v)); break;
      case "--duplicate-webhooks": b.duplicateWebhooks(fraction(v)); break;
      case "--webhook-retries": b.webhookRetries(retries(v)); break;
      case "--webhook-timeout": b.webhookTimeout(Durations.parse(v)); break;
      case "--retain": b.retain(Durations.parse(v)); break;
      case "--max-jobs": b.maxJobs(integer(v)); break;
      case "--max-webhooks": b.maxWebhooks(integer(v)); break;
      case "--seed": b.seed(longValue(v)); break;
      case "--signing": b.signing(signing(v)); break;
      case "--rotation-overlap":
        b.rotationOverlap(v.trim().equals("0") ? Duration.ZERO : Durations.parse(v));
        break;
      default: throw new IllegalArgumentException("unknown flag " + flag);
    }
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
      String p = part.trim();
      out.add(p.equals("0") ? Duration.ZERO : Durations.parse(p));
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
