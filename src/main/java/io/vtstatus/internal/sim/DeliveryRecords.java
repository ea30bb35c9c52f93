package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.Durations;
import io.vtstatus.simulator.WebhookDelivery;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What became of each delivery attempt: one {@link WebhookDelivery} record (the newest {@value
 * #MAX_RECORDS} within {@value #MAX_RECORD_BYTES} bytes, estimated), one log line, and the counts.
 * Thread-safe.
 */
final class DeliveryRecords {
  static final int MAX_RECORDS = 10_000;
  static final long MAX_RECORD_BYTES = 4L << 20;

  private final Consumer<String> log;
  /** Whether lines go anywhere: when not, none is built (the delivery thread's time is the path's). */
  private final boolean logging;
  private final Recorder<WebhookDelivery> records =
      new Recorder<>(MAX_RECORDS, MAX_RECORD_BYTES, DeliveryRecords::size);
  private final AtomicLong recorded = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  DeliveryRecords(Consumer<String> log) {
    this(log, true);
  }

  DeliveryRecords(Consumer<String> log, boolean logging) {
    this.log = log;
    this.logging = logging;
  }

  private static long size(WebhookDelivery d) {
    return 200 + 2L * (d.body().length() + d.url().toString().length()
        + d.failure().map(String::length).orElse(0));
  }

  /**
   * Why an attempt that got status {@code code} (0: no status line) failed; empty for a 2xx. An
   * attempt without headers within {@code timeout} timed out; one cut off later still counts
   * with its status.
   */
  static Optional<String> failure(int code, Throwable error, Duration timeout) {
    if (code != 0) {
      return code / 100 == 2 ? Optional.empty() : Optional.of("HTTP " + code);
    }
    if (error instanceof HttpTimeoutException && !(error instanceof HttpConnectTimeoutException)) {
      return Optional.of("timed out after " + Durations.format(timeout) + " (no response headers)");
    }
    String m = error.getMessage();
    return Optional.of(error.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m));
  }

  /** Records attempt {@code attempt} of {@code e}: sent ({@code code}, 0 if none) or dropped. */
  void record(Lane.Event e, int attempt, int code, Optional<String> failure, boolean dropped) {
    recorded.incrementAndGet();
    records.add(new WebhookDelivery(e.reg().id, e.eventId(), e.reg().url, e.jobId(), attempt, code,
        failure, e.body(), dropped));
    if (!logging) {
      return;
    }
    log.accept("webhook " + e.reg().id + " " + e.eventId() + " job " + e.jobId() + " attempt "
        + attempt + " -> " + (code != 0 ? Integer.toString(code) : "")
        + failure.map(f -> (code != 0 ? " " : "") + f).orElse("") + " " + e.reg().url);
  }

  /** Records an attempt dropped unsent because a queue was full. */
  void recordDropped(Lane.Pending p) {
    dropped.incrementAndGet();
    record(p.event, p.attempt, 0, Optional.of("dropped: queue full"), true);
  }

  Optional<WebhookDelivery> take(Duration timeout) throws InterruptedException {
    return records.take(timeout);
  }

  /** Every attempt recorded so far, failed and dropped ones included. */
  long count() {
    return recorded.get();
  }

  /** Attempts dropped because a queue was full. */
  long droppedCount() {
    return dropped.get();
  }
}
