package io.vtstatus.internal.client;

import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.json.JsonPointer;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A status protocol as the engine uses it: where a job's status is ({@link UrlTemplate}) and
 * how to read the answer. Either the built-in vtstatus protocol (read by {@link StatusAnswer})
 * or a declared one: data, interpreted by the one small reader here, as AWS SDK waiters
 * interpret their acceptors. {@code io.vtstatus.JobProtocol} validates and builds it.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProtocolSpec {
  /** The vtstatus protocol of {@code docs/PROTOCOL.md}. */
  public static final ProtocolSpec VTSTATUS = new ProtocolSpec("vtstatus",
      UrlTemplate.compile("/status?job=" + UrlTemplate.ID), null, Map.of(), Optional.empty(),
      Optional.empty(), Optional.empty(), ChronoUnit.MILLIS, Optional.empty(), false);

  private static final Duration MAX_ETA = Duration.ofDays(1);

  private final String name;
  private final UrlTemplate template;
  /** Null for the built-in protocol. */
  private final JsonPointer status;
  private final Map<String, JobStatus> words;
  private final Optional<JsonPointer> output;
  private final Optional<JsonPointer> error;
  private final Optional<JsonPointer> eta;
  private final ChronoUnit etaUnit;
  private final Optional<JsonPointer> progress;
  private final Optional<JsonPointer> updatedAt;
  private final boolean strictWords;
  private final Optional<WebhookShape> webhook;

  /** A declared protocol without an {@code updatedAt} pointer. */
  public ProtocolSpec(String name, UrlTemplate template, JsonPointer status,
      Map<String, JobStatus> words, Optional<JsonPointer> output, Optional<JsonPointer> error,
      Optional<JsonPointer> eta, ChronoUnit etaUnit, Optional<JsonPointer> progress,
      boolean strictWords) {
    this(name, template, status, words, output, error, eta, etaUnit, progress, Optional.empty(),
        strictWords);
  }

  /** A declared protocol; every argument already validated by {@code JobProtocol}'s builder. */
  public ProtocolSpec(String name, UrlTemplate template, JsonPointer status,
      Map<String, JobStatus> words, Optional<JsonPointer> output, Optional<JsonPointer> error,
      Optional<JsonPointer> eta, ChronoUnit etaUnit, Optional<JsonPointer> progress,
      Optional<JsonPointer> updatedAt, boolean strictWords) {
    this(name, template, status, words, output, error, eta, etaUnit, progress, updatedAt,
        strictWords, Optional.empty());
  }

  private ProtocolSpec(String name, UrlTemplate template, JsonPointer status,
      Map<String, JobStatus> words, Optional<JsonPointer> output, Optional<JsonPointer> error,
      Optional<JsonPointer> eta, ChronoUnit etaUnit, Optional<JsonPointer> progress,
      Optional<JsonPointer> updatedAt, boolean strictWords, Optional<WebhookShape> webhook) {
    this.name = name;
    this.template = template;
    this.status = status;
    // In declaration order: the simulator serves pending words in turn.
    this.words = Collections.unmodifiableMap(new LinkedHashMap<>(words));
    this.output = output;
    this.error = error;
    this.eta = eta;
    this.etaUnit = etaUnit;
    this.progress = progress;
    this.updatedAt = updatedAt;
    this.strictWords = strictWords;
    this.webhook = webhook;
  }

  /** This declared protocol with webhook bodies read as {@code shape} says. */
  public ProtocolSpec withWebhook(WebhookShape shape) {
    return new ProtocolSpec(name, template, status, words, output, error, eta, etaUnit, progress,
        updatedAt, strictWords, Optional.of(shape));
  }

  /** How webhook bodies are read: empty for vtstatus (its own shape) and a protocol declaring none. */
  public Optional<WebhookShape> webhook() {
    return webhook;
  }

  /** True when this client can read webhook bodies: vtstatus, or a declared webhook shape. */
  public boolean readsWebhooks() {
    return builtin() || webhook.isPresent();
  }

  /**
   * Reads one webhook body: the job it names and what it says.
   *
   * @throws ProtocolException for a body that is malformed or names no valid job
   */
  WebhookShape.Event readWebhook(String text, int maxChars) throws ProtocolException {
    if (builtin()) {
      // The body becomes the document of a result this event ends.
      StatusAnswer a = StatusAnswer.parse(text, "webhook body").withDocument(text);
      String job = a.jobId().orElse(Protocol.DEFAULT_JOB);
      if (!Protocol.isJobId(job)) {
        throw new ProtocolException("invalid job id in webhook body");
      }
      return new WebhookShape.Event(job, a);
    }
    if (webhook.isEmpty()) {
      throw new ProtocolException("protocol " + name + " declares no webhook body");
    }
    Object doc;
    try {
      doc = Json.parse(text, maxChars);
    } catch (JsonException e) {
      throw new ProtocolException("webhook body is not JSON (" + e.getMessage() + ")");
    }
    WebhookShape.Event e = webhook.get().read(doc, text, words);
    if (webhook.get().status().isEmpty()) {
      return e;
    }
    // A body that is the job's status object (Replicate's prediction) carries what a status
    // answer does: its progress and estimate, read with the same pointers.
    StatusAnswer a = e.answer();
    return new WebhookShape.Event(e.jobId(), new StatusAnswer(a.jobId(), a.status(),
        a.updatedAt(), eta(doc), progress(doc), a.output(), a.error(), a.document(),
        a.unknownWord()));
  }

  public String name() {
    return name;
  }

  public UrlTemplate template() {
    return template;
  }

  /** True for the vtstatus protocol: it alone can create jobs, register webhooks and has a default job. */
  public boolean builtin() {
    return status == null;
  }

  /** The declared status pointer (empty for the built-in protocol). */
  public Optional<JsonPointer> statusPointer() {
    return Optional.ofNullable(status);
  }

  public Map<String, JobStatus> words() {
    return words;
  }

  public Optional<JsonPointer> output() {
    return output;
  }

  public Optional<JsonPointer> error() {
    return error;
  }

  public boolean strictWords() {
    return strictWords;
  }

  /** The body bound unless the user sets one: 64 KiB for vtstatus's tiny answers, else 1 MiB. */
  public int defaultMaxBody() {
    return builtin() ? StatusAnswer.MAX_BODY : 1 << 20;
  }

  /**
   * Checks that {@code id} names a job of this protocol.
   *
   * @throws IllegalArgumentException saying why not
   */
  public void checkId(String id) {
    if (!builtin()) {
      UrlTemplate.checkId(id);
    } else if (!Protocol.isJobId(id)) {
      throw new IllegalArgumentException("Invalid job id (need " + Protocol.JOB_ID_RULE + "): " + id);
    }
    // vtstatus ids keep their rule unchanged: "." and ".." are safe as a query value.
  }

  /** {@code id}'s status URI, relative templates resolved against {@code server}. */
  public URI statusUri(URI server, String id) {
    checkId(id);
    return template.expandChecked(server.toString(), id);
  }

  /**
   * Reads a status answer. {@code what} names it in messages; {@code maxChars} bounds the JSON
   * text; {@code redact} hides credentials in the excerpts messages quote.
   */
  StatusAnswer read(String text, String what, int maxChars, UnaryOperator<String> redact)
      throws ProtocolException {
    if (builtin()) {
      return StatusAnswer.parse(text, what, redact).withDocument(text);
    }
    Object doc;
    try {
      doc = Json.parse(text, maxChars);
    } catch (JsonException e) {
      throw new ProtocolException(what + " is not JSON (" + e.getMessage() + "): "
          + StatusAnswer.excerpt(redact.apply(text)));
    }
    Object w = status.find(doc);
    if (!(w instanceof String)) {
      throw new ProtocolException(what + (w == null || w == Json.NULL ? " has no status at "
          : " has no status word (not a string) at ") + status + ": "
          + StatusAnswer.excerpt(redact.apply(text)));
    }
    String word = (String) w;
    JobStatus s = words.get(word);
    Optional<String> unknown = Optional.empty();
    if (s == null) {
      if (strictWords) {
        throw new ProtocolException(what + " has a status word this protocol does not declare, \""
            + StatusAnswer.excerpt(redact.apply(word)) + "\" at " + status);
      }
      // As an AWS waiter does with an answer no acceptor matches: keep waiting.
      s = JobStatus.PENDING;
      unknown = Optional.of(word);
    }
    return new StatusAnswer(Optional.empty(), s, updatedAt(doc), eta(doc), progress(doc),
        output.map(p -> text(p.find(doc))).flatMap(o -> o), error.map(p -> text(p.find(doc))).flatMap(o -> o),
        Optional.of(text), unknown);
  }

  /** A string as it is, another JSON value as its compact text, absent and JSON null as empty. */
  static Optional<String> text(Object v) {
    if (v == null || v == Json.NULL) {
      return Optional.empty();
    }
    return Optional.of(v instanceof String ? (String) v : Json.write(v));
  }

  /**
   * When the job last changed: an RFC 3339 string or a number of Unix seconds; anything else, or
   * nothing, is no time (a detail lost, not the answer).
   */
  private Optional<Instant> updatedAt(Object doc) {
    if (updatedAt.isEmpty()) {
      return Optional.empty();
    }
    Object v = updatedAt.get().find(doc);
    try {
      if (v instanceof String) {
        return Optional.of(OffsetDateTime.parse((String) v).toInstant());
      }
      if (v instanceof BigDecimal && ((BigDecimal) v).signum() > 0) {
        BigDecimal nanos = ((BigDecimal) v).movePointRight(9);
        return Optional.of(Instant.ofEpochSecond(0, nanos.longValueExact()));
      }
    } catch (DateTimeParseException | ArithmeticException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private Optional<Duration> eta(Object doc) {
    if (eta.isEmpty()) {
      return Optional.empty();
    }
    Object v = eta.get().find(doc);
    if (!(v instanceof BigDecimal) || ((BigDecimal) v).signum() < 0) {
      return Optional.empty();
    }
    BigDecimal n = (BigDecimal) v;
    BigDecimal max = BigDecimal.valueOf(MAX_ETA.toNanos() / etaUnit.getDuration().toNanos());
    if (n.compareTo(max) > 0) {
      return Optional.of(MAX_ETA);
    }
    BigDecimal nanos = n.multiply(BigDecimal.valueOf(etaUnit.getDuration().toNanos()));
    return Optional.of(Duration.ofNanos(nanos.longValue()));
  }

  private OptionalInt progress(Object doc) {
    if (progress.isEmpty()) {
      return OptionalInt.empty();
    }
    Object v = progress.get().find(doc);
    if (!(v instanceof BigDecimal)) {
      return OptionalInt.empty();
    }
    BigDecimal n = (BigDecimal) v;
    if (n.signum() < 0 || n.compareTo(BigDecimal.valueOf(100)) > 0) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(n.intValue());
  }

  /** Names the protocol, its template and its vocabulary; holds no secrets. */
  @Override
  public String toString() {
    return builtin() ? name : name + " (GET " + template + ", status at " + status + ")";
  }
}
