package io.vtstatus.internal.cli;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobListener;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.ProtocolException;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.client.Probe;
import io.vtstatus.internal.client.UrlTemplate;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.schedule.LearningSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/** {@code vtstatus wait}: waits for one job and says how it ended, in words and exit codes. */
final class WaitCommand {
  static final int COMPLETED = 0;
  static final int JOB_ERROR = 1;
  static final int USAGE = 2;
  static final int TIMED_OUT = 3;
  static final int UNREACHABLE = 4;

  static final String HELP = String.join("\n",
      "usage: vtstatus wait [--server http://127.0.0.1:8080] [--job ID]",
      "                     [--webhook-port N | --no-webhook] [--timeout 60s]",
      "                     [--schedule adaptive|fixed:1s|exponential:500ms,2,30s|stepped]",
      "                     [--model FILE | --no-learn] [--quiet] [--json]",
      "                     [--protocol NAME|FILE] [--header 'Name: value' | --header @FILE]...",
      "                     [--webhook-secret whsec_...|env:NAME | --webhook-header 'Name: value']",
      "                     [--resume-file FILE]",
      "Waits for job ID (or submits a new job with POST /jobs and waits for it).",
      "--resume-file: the wait's resume token is written there when it starts; a later run",
      "for the same server and job finds it and keeps the first run's deadline and counts",
      "(a CI step killed and retried). An answer, or a timeout (exit 3), removes the file.",
      "--protocol: vtstatus (default), replicate, openai-batch, heygen-translate, assemblyai,",
      "or a protocol file (docs/PROTOCOLS.md); other protocols than vtstatus need --job and",
      "poll unless --webhook-port N listens for that API's deliveries (on /webhook; give that",
      "URL to the API when you create the job): verified with --webhook-secret (Standard",
      "Webhooks) or --webhook-header (a shared header), else each delivery is a hint that one",
      "status read confirms. --header adds a header (credentials) to every status request; a",
      "value env:NAME is read from the environment, so secrets stay off the command line.",
      "The adaptive schedule learns job durations across runs, in one small file per server",
      "under $XDG_STATE_HOME/vtstatus (default ~/.local/state/vtstatus); --model FILE uses",
      "that file instead, --no-learn starts cold and saves nothing.",
      "Progress goes to stderr; the last stdout line is the final status (or JSON with --json).",
      "Exit codes: 0 completed, 1 job ended in error, 2 usage error, 3 timed out,",
      "            4 server unreachable or protocol error (including unknown job).");

  private WaitCommand() {}

  static int run(String[] argv, PrintStream out, PrintStream err) {
    return run(argv, out, err, new JobListener() {});
  }

  /**
   * As {@link #run(String[], PrintStream, PrintStream)}; with {@code --quiet}, {@code quietListener}
   * hears the client's events (the benchmark times detection with it).
   */
  static int run(String[] argv, PrintStream out, PrintStream err, JobListener quietListener) {
    return run(argv, out, err, quietListener, System::getenv);
  }

  /**
   * How {@code wait} receives webhooks: vtstatus listens and registers unless {@code
   * --no-webhook}; another protocol listens only on {@code --webhook-port}, with the scheme its
   * flags give (a secret, a shared header, or neither: hints).
   */
  private static WebhookOptions webhook(Args a, io.vtstatus.JobProtocol p, boolean builtin,
      Function<String, String> env) throws Args.UsageException {
    boolean scheme = a.has("webhook-secret") || a.has("webhook-header");
    if (a.has("webhook-secret") && a.has("webhook-header")) {
      throw new Args.UsageException("--webhook-secret and --webhook-header exclude each other");
    }
    if (a.has("no-webhook") || !builtin && !a.has("webhook-port")) {
      if (scheme) {
        throw new Args.UsageException((a.has("webhook-secret") ? "--webhook-secret" : "--webhook-header")
            + " needs webhooks: " + (builtin ? "drop --no-webhook" : "give --webhook-port N"));
      }
      return WebhookOptions.disabled();
    }
    if (!p.readsWebhooks()) {
      throw new Args.UsageException("--webhook-port: protocol " + p.name()
          + " declares no webhook body");
    }
    WebhookOptions o = WebhookOptions.port(a.integer("webhook-port", 0, 0, 65535));
    if (a.has("webhook-secret")) {
      String v = a.get("webhook-secret").get();
      if (v.startsWith("env:")) {
        String var = v.substring(4);
        v = var.isEmpty() ? null : env.apply(var);
        if (v == null) {
          throw new Args.UsageException("--webhook-secret names environment variable "
              + Args.printable(var) + ", which is not set");
        }
      }
      try {
        return o.secret(v);
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--webhook-secret: " + e.getMessage());
      }
    }
    if (a.has("webhook-header")) {
      Map<String, String> h = CliProtocols.headers(List.of(a.get("webhook-header").get()), env);
      Map.Entry<String, String> e = h.entrySet().iterator().next();
      try {
        return o.sharedHeader(e.getKey(), e.getValue());
      } catch (IllegalArgumentException x) {
        throw new Args.UsageException("--webhook-header: " + x.getMessage());
      }
    }
    // vtstatus registers a secret of its own; another API's deliveries are hints without a key.
    return builtin ? o : o.unsigned();
  }

  /** As above, {@code env} giving the environment variables {@code env:NAME} values name. */
  static int run(String[] argv, PrintStream out, PrintStream err, JobListener quietListener,
      Function<String, String> env) {
    Request r;
    try {
      Optional<Request> parsed = Request.parse(argv, env);
      if (parsed.isEmpty()) {
        out.println(HELP);
        return 0;
      }
      r = parsed.get();
    } catch (Args.UsageException e) {
      err.println("vtstatus wait: " + e.getMessage());
      return USAGE;
    }
    PrintStream progress = r.quiet() ? null : err;
    long start = System.nanoTime();
    Duration timeout = r.timeout();
    if (r.looksFirst()) {
      FirstLook look = firstLook(r, out, err, progress, quietListener, start);
      if (look.exit().isPresent()) {
        return look.exit().getAsInt();
      }
      timeout = look.timeLeft();
    }
    return await(r, timeout, out, err, progress, quietListener);
  }

  /**
   * Everything the flags ask for, checked before any request: a usage error changes nothing and
   * sends nothing.
   *
   * @param job {@code --job}: empty when {@code wait} submits a job itself
   */
  private record Request(Args args, CliProtocols.Declared protocol, Map<String, String> headers,
      URI server, Duration timeout, String spec, WebhookOptions webhook, Optional<Path> modelFile,
      Optional<Path> resumeFile, Optional<String> job, Duration requestTimeout) {

    /** The parsed flags; empty for {@code --help}. */
    static Optional<Request> parse(String[] argv, Function<String, String> env)
        throws Args.UsageException {
      Args a = Args.parse(argv, Set.of("server", "job", "webhook-port", "timeout", "schedule",
          "model", "protocol", "header", "webhook-secret", "webhook-header", "resume-file"),
          Set.of("no-webhook", "quiet", "json", "help", "no-learn"));
      if (a.has("help")) {
        return Optional.empty();
      }
      if (!a.positional().isEmpty()) {
        throw new Args.UsageException("unexpected argument '" + a.positional().get(0) + "'");
      }
      URI server;
      try {
        server = URI.create(a.get("server", "http://127.0.0.1:8080"));
        StatusClient.builder(server);
      } catch (IllegalArgumentException e) {
        throw new Args.UsageException("--server: " + e.getMessage());
      }
      Duration timeout = a.duration("timeout", Duration.ofSeconds(60));
      if (timeout.isZero()) {
        throw new Args.UsageException("--timeout must be positive");
      }
      String spec = a.get("schedule", "adaptive");
      Optional<Path> modelFile = WaitCommand.modelFile(a, spec);
      Optional<Path> resumeFile = fileFlag(a, "resume-file");
      ScheduleSpec.check(spec);
      if (a.has("no-webhook") && a.has("webhook-port")) {
        throw new Args.UsageException("--webhook-port and --no-webhook exclude each other");
      }
      CliProtocols.Declared protocol = CliProtocols.resolve(a.get("protocol", "vtstatus"), env);
      Map<String, String> headers = new LinkedHashMap<>(protocol.headers());
      headers.putAll(CliProtocols.headers(a.all("header"), env));
      boolean builtin = protocol.protocol().statusPointer().isEmpty();
      WebhookOptions webhook = WaitCommand.webhook(a, protocol.protocol(), builtin, env);
      Optional<String> job = a.get("job");
      if (job.isEmpty() && !builtin) {
        throw new Args.UsageException("protocol " + protocol.protocol().name()
            + " cannot create jobs: give --job ID");
      }
      if (job.isPresent() && builtin && !io.vtstatus.internal.Protocol.isJobId(job.get())) {
        throw new Args.UsageException("--job must match " + io.vtstatus.internal.Protocol.JOB_ID_RULE);
      }
      if (job.isPresent() && !builtin) {
        try {
          UrlTemplate.checkId(job.get());
        } catch (IllegalArgumentException e) {
          throw new Args.UsageException("--job: " + e.getMessage());
        }
      }
      StatusClient.Builder check = StatusClient.builder(server);
      for (Map.Entry<String, String> h : headers.entrySet()) {
        try {
          check.header(h.getKey(), h.getValue());
        } catch (IllegalArgumentException e) {
          throw new Args.UsageException("--header: " + e.getMessage());
        }
      }
      Duration requestTimeout = Duration.ofSeconds(Math.max(1, Math.min(10, timeout.toSeconds())));
      return Optional.of(new Request(a, protocol, headers, server, timeout, spec, webhook,
          modelFile, resumeFile, job, requestTimeout));
    }

    boolean quiet() {
      return args.has("quiet");
    }

    boolean json() {
      return args.has("json");
    }

    /**
     * Whether one plain request looks at the job before the client starts: a job named with
     * {@code --job}, spoken of in vtstatus without credentials. Otherwise the client's first
     * poll is the first look ({@link LookFirst}).
     */
    boolean looksFirst() {
      return job.isPresent() && protocol.protocol().statusPointer().isEmpty() && headers.isEmpty();
    }
  }

  /** How the first look ended: with the command's exit code, or the time left to wait. */
  private record FirstLook(OptionalInt exit, Duration timeLeft) {}

  /**
   * Asks about the named job once, which may have ended already: one plain request, and the
   * client (HTTP client, listener, registration) only if the job is still running.
   */
  private static FirstLook firstLook(Request r, PrintStream out, PrintStream err,
      PrintStream progress, JobListener quietListener, long start) {
    String id = r.job().get();
    Duration timeout = r.timeout();
    try {
      Optional<JobResult> done = Probe.once(r.server(), id,
          r.requestTimeout().compareTo(timeout) < 0 ? r.requestTimeout() : timeout);
      if (done.isPresent()) {
        (progress == null ? quietListener : new ProgressLines(progress, start)).completed(done.get());
        ResumeFiles.remove(r.resumeFile());
        return new FirstLook(OptionalInt.of(report(done.get(), 0, out, r.json())), Duration.ZERO);
      }
    } catch (JobNotFoundException e) {
      err.println("vtstatus wait: " + e.getMessage());
      printFailure(out, r.json(), "unknown", id);
      return new FirstLook(OptionalInt.of(UNREACHABLE), Duration.ZERO);
    } catch (ProtocolException e) {
      err.println("vtstatus wait: " + e.getMessage());
      printFailure(out, r.json(), "unreachable", id);
      return new FirstLook(OptionalInt.of(UNREACHABLE), Duration.ZERO);
    } catch (IOException e) {
      // Not reachable yet: the client retries until the timeout.
      if (progress != null) {
        // Stamped like the client's lines: how long the look took shows where a wait's time went.
        new ProgressLines(progress, start).line("first look failed (" + e.getMessage()
            + "); polling");
      }
    }
    timeout = timeout.minusNanos(System.nanoTime() - start);
    if ((timeout.isNegative() || timeout.isZero())
        && ResumeFiles.read(r.resumeFile(), r.server(), id).isPresent()) {
      // The saved wait keeps its own deadline; this run's timeout is not used.
      timeout = Duration.ofMillis(1);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      ResumeFiles.remove(r.resumeFile());
      err.println("vtstatus wait: gave up waiting for job " + id + " after its first look");
      printFailure(out, r.json(), "timeout", id);
      return new FirstLook(OptionalInt.of(TIMED_OUT), Duration.ZERO);
    }
    return new FirstLook(OptionalInt.empty(), timeout);
  }

  /** Waits with a full client (submitting the job first without {@code --job}) for {@code timeout}. */
  private static int await(Request r, Duration timeout, PrintStream out, PrintStream err,
      PrintStream progress, JobListener quietListener) {
    // Hashing the server into a file name and reading the state wait for a job still running.
    Optional<Path> modelFile = learningFile(r.args(), r.spec(), r.modelFile(), r.server());
    PollSchedule schedule;
    try {
      schedule = ScheduleSpec.parse(r.spec(), modelFile, w -> err.println("vtstatus wait: warning: " + w));
    } catch (Args.UsageException e) {
      err.println("vtstatus wait: " + e.getMessage());
      return USAGE;
    }
    if (!r.looksFirst()) {
      schedule = new LookFirst(schedule);
    }
    if (progress != null && modelFile.isPresent()) {
      progress.println("learning in " + modelFile.get());
    }
    StatusClient client;
    try {
      StatusClient.Builder b = StatusClient.builder(r.server()).protocol(r.protocol().protocol());
      r.headers().forEach(b::header);
      client = b
          .webhook(r.webhook())
          .pollSchedule(schedule)
          .timeout(timeout)
          .requestTimeout(r.requestTimeout())
          .listener(progress == null ? quietListener : new ProgressLines(progress, System.nanoTime()))
          .build();
    } catch (UncheckedIOException e) {
      err.println("vtstatus wait: " + e.getMessage());
      return UNREACHABLE;
    }
    if (progress != null && !r.protocol().protocol().statusPointer().isEmpty()
        && client.webhookUrl().isPresent()) {
      // Nothing registers it for this API: the user gives it when creating the job.
      progress.println("listening for webhooks at " + client.webhookUrl().get());
    }
    boolean json = r.json();
    try (client) {
      String id;
      if (r.job().isPresent()) {
        id = r.job().get();
      } else {
        id = client.submit();
        if (progress != null) {
          progress.println("submitted job " + id);
        }
      }
      Optional<String> saved = ResumeFiles.read(r.resumeFile(), r.server(), id);
      JobResult result;
      if (r.resumeFile().isEmpty()) {
        result = client.await(id, timeout);
      } else {
        result = ResumeFiles.await(client, id, saved, timeout, r.resumeFile().get(),
            progress == null ? w -> { } : w -> progress.println(w));
      }
      ResumeFiles.remove(r.resumeFile());
      // The first look asked once already: count it, so that polls means requests made.
      return report(result, r.looksFirst() ? 1 : 0, out, json);
    } catch (JobTimeoutException e) {
      ResumeFiles.remove(r.resumeFile());
      if (e.getCause() instanceof ConnectException) {
        err.println("vtstatus wait: server unreachable: " + r.server() + " (" + e.getCause().getMessage() + ")");
        printFailure(out, json, "unreachable", e.jobId());
        return UNREACHABLE;
      }
      err.println("vtstatus wait: " + e.getMessage());
      printFailure(out, json, "timeout", e.jobId());
      return TIMED_OUT;
    } catch (JobNotFoundException e) {
      err.println("vtstatus wait: " + e.getMessage());
      printFailure(out, json, "unknown", e.jobId());
      return UNREACHABLE;
    } catch (IOException e) {
      err.println("vtstatus wait: " + e.getMessage());
      printFailure(out, json, "unreachable", r.job().orElse(""));
      return UNREACHABLE;
    } catch (InterruptedException | CancellationException e) {
      Thread.currentThread().interrupt();
      err.println("vtstatus wait: interrupted");
      return TIMED_OUT;
    }
  }

  /**
   * {@code --model FILE}, checked against the other flags; empty without it. The default file
   * is named later, by {@link #learningFile}, only for a job still running.
   */
  private static Optional<Path> modelFile(Args a, String spec) throws Args.UsageException {
    if (a.has("model") && a.has("no-learn")) {
      throw new Args.UsageException("--model and --no-learn exclude each other");
    }
    boolean adaptive = ScheduleSpec.isAdaptive(spec);
    if (a.has("model")) {
      if (!adaptive) {
        throw new Args.UsageException("--model needs the adaptive schedule (only it learns), not --schedule " + spec);
      }
      return fileFlag(a, "model");
    }
    return Optional.empty();
  }

  /** A file named by flag {@code name}: not blank, not a directory; empty without the flag. */
  private static Optional<Path> fileFlag(Args a, String name) throws Args.UsageException {
    if (!a.has(name)) {
      return Optional.empty();
    }
    String f = a.get(name).get();
    if (f.isBlank()) {
      throw new Args.UsageException("--" + name + " needs a file name");
    }
    try {
      Path p = Path.of(f);
      if (Files.isDirectory(p)) {
        throw new Args.UsageException("--" + name + " " + f + " is a directory");
      }
      return Optional.of(p);
    } catch (InvalidPathException e) {
      throw new Args.UsageException("--" + name + ": " + e.getMessage());
    }
  }

  /** {@code --model FILE}, or the per-server file when the adaptive schedule learns by default. */
  private static Optional<Path> learningFile(Args a, String spec, Optional<Path> named, URI server) {
    if (named.isPresent() || a.has("no-learn") || !ScheduleSpec.isAdaptive(spec)) {
      return named;
    }
    return Optional.of(LearningFiles.forServer(LearningFiles.directory(), server));
  }

  /**
   * The client's first poll is the first look when no plain request made it (a job this command
   * has just submitted may already have ended: a quick job, a cached result; a job of another
   * protocol, or one read with credentials, may be over too): look at once, then follow the
   * schedule, telling it everything the client tells us (so it learns).
   */
  private static final class LookFirst implements LearningSchedule {
    private final PollSchedule chosen;

    LookFirst(PollSchedule chosen) {
      this.chosen = chosen;
    }

    @Override
    public Duration nextDelay(PollContext ctx) {
      return ctx.polls() == 0 ? Duration.ZERO : chosen.nextDelay(ctx);
    }

    @Override
    public void jobFinished(Duration observedDuration) {
      chosen.jobFinished(observedDuration);
    }

    @Override
    public void jobFinished(Duration observedDuration, DetectedBy detectedBy) {
      chosen.jobFinished(observedDuration, detectedBy);
    }

    @Override
    public void watchEnded(PollContext lastContext) {
      chosen.watchEnded(lastContext);
    }

    @Override
    public void watchEndedUnknown(PollContext lastContext) {
      if (chosen instanceof LearningSchedule) {
        ((LearningSchedule) chosen).watchEndedUnknown(lastContext);
      } else {
        chosen.watchEnded(lastContext);
      }
    }
  }

  private static int report(JobResult r, int earlierPolls, PrintStream out, boolean json) {
    if (json) {
      out.println(Json.obj()
          .put("job", r.jobId())
          .put("status", r.status().wireName())
          .put("detected_by", r.detectedBy().wireName())
          .put("polls", r.polls() + earlierPolls)
          .put("waited_ms", r.waited().toMillis())
          .put("output", r.output().orElse(null))
          .put("error", r.error().orElse(null))
          .toString());
    } else {
      out.println(r.status().wireName());
    }
    return r.status() == JobStatus.COMPLETED ? COMPLETED : JOB_ERROR;
  }

  private static void printFailure(PrintStream out, boolean json, String what, String job) {
    if (json) {
      out.println(Json.obj().put("job", job).put("status", what).toString());
    } else {
      out.println(what);
    }
  }
}
