package io.vtstatus.internal.client;

import io.vtstatus.internal.util.Scheduler;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * At most {@code permits} polls in flight; the rest wait in arrival order. A waiting poll is
 * asked whether it is still wanted when its turn comes, so the polls of watches that ended
 * while they waited are dropped, never sent. Polls start on the scheduler's thread, never
 * inside the completion of another request (which would nest without bound when replies are
 * already there).
 */
final class RequestGate {
  /** A poll waiting for a permit. */
  interface Ticket {
    /** False once the poll is no longer needed (its watch ended). */
    boolean wanted();

    /**
     * Starts the request holding a permit; {@code release} must be called exactly once when it
     * ends, or at once if it does not start after all.
     */
    void start(Runnable release);
  }

  /** The default bound on held reads in flight beside the permits ({@code maxHeldReads}). */
  static final int DEFAULT_HELD = 10_000;

  private final int permits;
  private final int heldPermits;
  private final Scheduler scheduler;
  private final ArrayDeque<Ticket> waiting = new ArrayDeque<>();
  private int inUse;
  private int heldInUse;
  private boolean drainScheduled;

  RequestGate(int permits, Scheduler scheduler) {
    this(permits, 0, scheduler);
  }

  /**
   * {@code permits} polls in flight, and beside them up to {@code heldPermits} reads the server
   * is expected to hold: those hold no transport thread while they wait, so they need not wait
   * for a permit; beyond that bound a held read queues for a permit like any poll.
   */
  RequestGate(int permits, int heldPermits, Scheduler scheduler) {
    this.permits = permits;
    this.heldPermits = heldPermits;
    this.scheduler = scheduler;
  }

  /**
   * Starts {@code t} now, outside the permits, if it is a {@code held} read and a held slot is
   * free; otherwise as {@link #submit(Ticket)}.
   */
  void submit(Ticket t, boolean held) {
    if (held) {
      synchronized (this) {
        held = heldInUse < heldPermits;
        if (held) {
          heldInUse++;
        }
      }
    }
    if (!held) {
      submit(t);
      return;
    }
    if (!t.wanted()) {
      releaseHeld();
      return;
    }
    t.start(once(this::releaseHeld));
  }

  private synchronized void releaseHeld() {
    heldInUse--;
  }

  /** Held reads in flight outside the permits (for tests and diagnostics). */
  synchronized int heldInUse() {
    return heldInUse;
  }

  private static Runnable once(Runnable release) {
    boolean[] once = new boolean[1];
    return () -> {
      synchronized (once) {
        if (once[0]) {
          return;
        }
        once[0] = true;
      }
      release.run();
    };
  }

  /** Starts {@code t} now if a permit is free, else queues it. */
  void submit(Ticket t) {
    synchronized (this) {
      if (inUse >= permits) {
        waiting.add(t);
        return;
      }
      inUse++;
    }
    run(t);
  }

  private void run(Ticket t) {
    if (!t.wanted()) {
      release();
      return;
    }
    t.start(once(this::release));
  }

  private void release() {
    boolean drain;
    synchronized (this) {
      inUse--;
      drain = !waiting.isEmpty() && !drainScheduled;
      drainScheduled |= drain;
    }
    if (drain) {
      try {
        scheduler.schedule(this::drain, 0);
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          drainScheduled = false;
          waiting.clear();
        }
      }
    }
  }

  private void drain() {
    while (true) {
      Ticket next;
      synchronized (this) {
        next = null;
        while (inUse < permits && !waiting.isEmpty()) {
          Ticket t = waiting.poll();
          if (t.wanted()) {
            next = t;
            inUse++;
            break;
          }
        }
        if (next == null) {
          drainScheduled = false;
          return;
        }
      }
      run(next);
    }
  }

  /** Polls waiting for a permit (for tests and diagnostics). */
  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int inUse() {
    return inUse;
  }
}
