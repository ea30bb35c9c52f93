package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A parsed status answer (or webhook body): status plus the server's hints, and what a declared
 * protocol reads besides: the job's output and error, the answer's text, and a status word the
 * protocol does not declare (read as pending).
 */
record StatusAnswer(
    Optional<String> jobId,
    JobStatus status,
    Optional<Instant> updatedAt,
    Optional<Duration> eta,
    OptionalInt progress,
    Optional<String> output,
    Optional<String> error,
    Optional<String> document,
    Optional<String> unknownWord) {

  static final int MAX_BODY = 64 * 1024;

  /** An answer of the built-in protocol, before its text is attached. */
  StatusAnswer(Optional<String> jobId, JobStatus status, Optional<Instant> updatedAt,
      Optional<Duration> eta, OptionalInt progress) {
    this(jobId, status, updatedAt, eta, progress, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty());
  }

  StatusAnswer withDocument(String text) {
    return new StatusAnswer(jobId, status, updatedAt, eta, progress, output, error,
        Optional.of(text), unknownWord);
  }

  /** This event with {@code read}'s output, error and document (a status read that filled it). */
  StatusAnswer withOutputOf(StatusAnswer read) {
    return new StatusAnswer(jobId, status, updatedAt, eta, progress, read.output, read.error,
        read.document, unknownWord);
  }

  /** The result of a watch this answer ended. */
  JobResult result(String watchedJob, DetectedBy by, int polls, Duration waited) {
    return new JobResult(watchedJob, status, by, polls, waited, updatedAt, output, error, document);
  }

  /**
   * Parses a body from its bytes, which must be UTF-8: a body that is not would otherwise be
   * read with replacement characters, and a job id or status word would silently change.
   */
  static StatusAnswer parse(byte[] body, String what) throws ProtocolException {
    return parse(utf8(body, what), what);
  }

  /** Decodes {@code b} as strict UTF-8, refusing malformed input. */
  static String utf8(byte[] b, String what) throws ProtocolException {
    try {
      return Json.utf8(b);
    } catch (JsonException e) {
      throw new ProtocolException(what + " is not valid UTF-8 (" + e.getMessage() + ")");
    }
  }

  /** Parses a body; {@code what} names the source for error messages. */
  static StatusAnswer parse(String body, String what) throws ProtocolException {
    return parse(body, what, UnaryOperator.identity());
  }

  /** As {@link #parse(String, String)}, {@code redact} hiding credentials in quoted excerpts. */
  static StatusAnswer parse(String text, String what, UnaryOperator<String> redact)
      throws ProtocolException {
    Map<String, Object> o;
    try {
      o = Json.parseObject(text);
    } catch (JsonException e) {
      throw new ProtocolException(what + " is not a JSON object (" + e.getMessage() + "): " + excerpt(text == null ? null : redact.apply(text)));
    }
    try {
      Optional<String> word = Json.string(o, Protocol.RESULT);
      if (word.isEmpty()) {
        word = Json.string(o, Protocol.STATUS);
      }
      if (word.isEmpty()) {
        throw new ProtocolException(what + " has neither \"result\" nor \"status\": " + excerpt(text == null ? null : redact.apply(text)));
      }
      String w = word.get();
      JobStatus status = JobStatus.fromWire(w).orElseThrow(
          () -> new ProtocolException(what + " has an unknown status \"" + excerpt(redact.apply(w)) + "\""));
      Optional<Instant> updated = Optional.empty();
      Optional<String> ts = Json.string(o, Protocol.UPDATED_AT);
      if (ts.isPresent()) {
        try {
          updated = Optional.of(Instant.parse(ts.get()));
        } catch (DateTimeParseException e) {
          // A timestamp we cannot read loses us a detail, not the answer.
        }
      }
      Optional<Duration> eta = Optional.empty();
      Object etaRaw = o.get(Protocol.ETA_MS);
      if (etaRaw != null) {
        Optional<Long> ms = numberOrEmpty(o, Protocol.ETA_MS);
        if (ms.isPresent() && ms.get() >= 0) {
          eta = Optional.of(Duration.ofMillis(Math.min(ms.get(), Duration.ofDays(1).toMillis())));
        }
      }
      OptionalInt progress = OptionalInt.empty();
      Optional<Long> p = numberOrEmpty(o, Protocol.PROGRESS);
      if (p.isPresent() && p.get() >= 0 && p.get() <= 100) {
        progress = OptionalInt.of(p.get().intValue());
      }
      Optional<String> job = Json.string(o, Protocol.JOB);
      return new StatusAnswer(job, status, updated, eta, progress);
    } catch (JsonException e) {
      throw new ProtocolException(what + ": " + e.getMessage() + ": " + excerpt(text == null ? null : redact.apply(text)));
    }
  }

  private static Optional<Long> numberOrEmpty(Map<String, Object> o, String key) {
    try {
      return Json.integer(o, key);
    } catch (JsonException e) {
      return Optional.empty();
    }
  }

  static String excerpt(String s) {
    if (s == null) {
      return "(no body)";
    }
    String t = s.length() > 200 ? s.substring(0, 200) + "…" : s;
    StringBuilder b = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      b.append(c < 0x20 ? ' ' : c);
    }
    return b.toString();
  }
}
