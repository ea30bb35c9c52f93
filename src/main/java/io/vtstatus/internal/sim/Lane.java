package io.vtstatus.internal.sim;

import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.concurrent.ScheduledFuture;

/**
 * One registration's delivery lane: the attempts waiting for it and its counts in flight.
 * Confined to the delivery thread ({@link Deliveries}), so nothing here locks.
 */
final class Lane {
  /** One event on its way to one registration; the same {@code eventId} on every attempt. */
  record Event(Webhooks.Registration reg, String jobId, String eventId, String body) {}

  /** An attempt not yet started: waiting for its retry delay or for a slot. */
  static final class Pending {
    final Event event;
    final int attempt;
    final boolean duplicate;
    /** Enqueue order: "oldest" when choosing what to drop. */
    long seq;
    ScheduledFuture<?> timer;

    Pending(Event event, int attempt, boolean duplicate) {
      this.event = event;
      this.attempt = attempt;
      this.duplicate = duplicate;
    }

    /** A retry or a duplicate: dropped before any first attempt when a queue is full. */
    boolean optional() {
      return attempt > 1 || duplicate;
    }
  }

  final Webhooks.Registration reg;
  /** Attempts ready to start, oldest first. */
  final ArrayDeque<Pending> ready = new ArrayDeque<>();
  /** Attempts waiting for their retry delay, in enqueue order. */
  final LinkedHashSet<Pending> waiting = new LinkedHashSet<>();
  int inFlight;
  /** Of those in flight, the ones still waiting for headers (each holding a sender thread). */
  int sending;
  /** Whether the lane waits in the queue of lanes that want a global slot. */
  boolean starved;

  Lane(Webhooks.Registration reg) {
    this.reg = reg;
  }

  int queued() {
    return ready.size() + waiting.size();
  }

  /** Nothing waiting, nothing in flight, not in line for a slot: the lane can be forgotten. */
  boolean idle() {
    return queued() == 0 && inFlight == 0 && !starved;
  }

  /** The oldest waiting retry or duplicate, else the oldest waiting attempt; null if none. */
  Pending victim() {
    Pending w = firstOptional(waiting);
    Pending r = firstOptional(ready);
    if (w != null || r != null) {
      return older(w, r);
    }
    return older(waiting.isEmpty() ? null : waiting.iterator().next(), ready.peekFirst());
  }

  private static Pending firstOptional(Iterable<Pending> queue) {
    for (Pending q : queue) {
      if (q.optional()) {
        return q;
      }
    }
    return null;
  }

  private static Pending older(Pending a, Pending b) {
    return a == null ? b : b == null ? a : (a.seq < b.seq ? a : b);
  }

  void remove(Pending p) {
    if (!waiting.remove(p)) {
      ready.remove(p);
    }
  }
}
