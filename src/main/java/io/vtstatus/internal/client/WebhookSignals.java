package io.vtstatus.internal.client;

import io.vtstatus.internal.util.ExpiringMap;
import io.vtstatus.internal.util.Scheduler;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What webhooks have told the client: verified events and unsigned hints for jobs (kept for
 * watches that start later), when a hint may be confirmed, and whether webhooks are arriving at
 * all. State that strangers can make us keep is bounded; hints have bounds of their own, so no
 * number of them can evict a verified event.
 */
final class WebhookSignals {
  /** At most one confirming poll per job per this interval, however many hints arrive. */
  static final long CONFIRM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** After this many jobs in a row ended by poll with no webhook between, webhooks are not arriving. */
  static final int SILENT_AFTER_POLL_WINS = 3;
  static final int MAX_EARLY_EVENTS = 10_000;
  static final long EARLY_EVENT_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Scheduler scheduler;
  private final Registration registration;
  private final ExpiringMap<String, StatusAnswer> verified;
  /** Per job: when its latest unsigned hint arrived. */
  private final ExpiringMap<String, Long> hints;
  /** Per job: when its last confirming poll was due. */
  private final ExpiringMap<String, Long> confirmations;
  private final AtomicInteger pollWinsSinceWebhook = new AtomicInteger();

  WebhookSignals(Scheduler scheduler, Registration registration) {
    this.scheduler = scheduler;
    this.registration = registration;
    this.verified = new ExpiringMap<>(MAX_EARLY_EVENTS, EARLY_EVENT_TTL_NANOS, scheduler::nanoTime);
    this.hints = new ExpiringMap<>(MAX_EARLY_EVENTS, EARLY_EVENT_TTL_NANOS, scheduler::nanoTime);
    this.confirmations = new ExpiringMap<>(MAX_EARLY_EVENTS, 10 * CONFIRM_INTERVAL_NANOS, scheduler::nanoTime);
  }

  /**
   * Registered and not contradicted: webhooks are presumed to work, so a client that starts
   * thousands of watches at once does not poll them all before the first webhook can arrive.
   * Three jobs in a row found ended by polls, with no webhook between, say they do not.
   */
  boolean arriving() {
    return registration.registered() && pollWinsSinceWebhook.get() < SILENT_AFTER_POLL_WINS;
  }

  /** A verified event: kept for a watch that starts later, and proof that webhooks arrive. */
  void verified(String jobId, StatusAnswer event) {
    pollWinsSinceWebhook.set(0);
    verified.put(jobId, event);
  }

  /** A verified event that ends nothing: proof that webhooks arrive, nothing to keep. */
  void arrived() {
    pollWinsSinceWebhook.set(0);
  }

  /** An unsigned event: kept as a claim to confirm, proof of nothing yet. */
  void hint(String jobId) {
    hints.put(jobId, scheduler.nanoTime());
  }

  Optional<StatusAnswer> verifiedEvent(String jobId) {
    return verified.get(jobId);
  }

  boolean hinted(String jobId) {
    return hints.get(jobId).isPresent();
  }

  /**
   * When a poll confirming a hint for {@code jobId} may go out: now if none went out within the
   * interval, else at the end of it; empty if that slot is already booked too.
   */
  OptionalLong confirmationSlot(String jobId) {
    long now = scheduler.nanoTime();
    synchronized (confirmations) {
      long last = confirmations.get(jobId).orElse(now - CONFIRM_INTERVAL_NANOS);
      long at = Math.max(now, last + CONFIRM_INTERVAL_NANOS);
      if (at - now > CONFIRM_INTERVAL_NANOS) {
        return OptionalLong.empty();
      }
      confirmations.put(jobId, at);
      return OptionalLong.of(at);
    }
  }

  /**
   * A poll sent at {@code sentNanos} found {@code jobId} running: a hint that came before it and
   * said the job ended is contradicted, and dropped (one that came later still waits for its
   * confirming poll).
   * Kept, it would stand as proof that webhooks arrive once the job does end, so a forger's
   * hints could keep webhooks looking healthy (and polling sparse) while real ones are lost.
   */
  void polledPending(String jobId, long sentNanos) {
    synchronized (hints) {
      Optional<Long> at = hints.get(jobId);
      if (at.isPresent() && at.get() - sentNanos <= 0) {
        hints.remove(jobId);
      }
    }
  }

  /**
   * A poll found {@code jobId} ended. A hint that said so first shows that webhooks reach us;
   * otherwise, while registered and unless it was the watch's first look ({@code lookedEarly}),
   * it is one more job that webhooks did not tell us about.
   */
  void polledTerminal(String jobId, boolean lookedEarly) {
    if (hints.remove(jobId).isPresent()) {
      pollWinsSinceWebhook.set(0);
    } else if (registration.registered() && !lookedEarly) {
      // A first look that finds a job over proves nothing about webhooks: the job may have
      // ended before we registered (a restarted service awaiting old jobs would otherwise
      // conclude after three that webhooks never come, and poll densely for everything).
      pollWinsSinceWebhook.incrementAndGet();
    }
  }
}
