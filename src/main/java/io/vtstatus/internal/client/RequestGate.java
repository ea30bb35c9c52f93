package io.vtstatus.internal.client;

import io.vtstatus.internal.util.Scheduler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * At most {@code permits} polls in flight, and beside them at most {@code heldPermits} reads the
 * server is expected to hold (long polls, which hold no transport thread); the rest wait in
 * arrival order. A waiting poll is
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

    /**
     * Whether the server is expected to hold this read now: then it may go out beside the
     * permits, in a held slot. Asked when submitted and again after {@link #heldPossible()}.
     */
    default boolean held() {
      return false;
    }
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

  private boolean takeHeld() {
    synchronized (this) {
      if (heldInUse >= heldPermits) {
        return false;
      }
      heldInUse++;
      return true;
    }
  }

  private void runHeld(Ticket t) {
    if (!t.wanted()) {
      releaseHeld();
      return;
    }
    t.start(once(this::releaseHeld));
  }

  /**
   * Reads may be held from now on (the server was just seen holding one): the waiting tickets
   * that are {@link Ticket#held()} now leave the queue for held slots, on the scheduler's
   * thread.
   */
  void heldPossible() {
    try {
      scheduler.schedule(this::startHeldWaiting, 0);
    } catch (RejectedExecutionException closing) {
      // Closing: nothing more starts.
    }
  }

  private void startHeldWaiting() {
    List<Ticket> start = new ArrayList<>();
    synchronized (this) {
      for (Iterator<Ticket> it = waiting.iterator(); it.hasNext() && heldInUse < heldPermits; ) {
        Ticket t = it.next();
        if (!t.wanted()) {
          it.remove();
        } else if (t.held()) {
          it.remove();
          heldInUse++;
          start.add(t);
        }
      }
    }
    for (Ticket t : start) {
      runHeld(t);
    }
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

  /**
   * Starts {@code t} now: in a held slot if it is {@link Ticket#held()} and one is free, else if
   * a permit is free; else queues it.
   */
  void submit(Ticket t) {
    if (heldPermits > 0 && t.held() && takeHeld()) {
      runHeld(t);
      return;
    }
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
      Ticket next = null;
      boolean held = false;
      synchronized (this) {
        while (!waiting.isEmpty()) {
          Ticket t = waiting.peek();
          if (!t.wanted()) {
            waiting.poll();
          } else if (heldInUse < heldPermits && t.held()) {
            // Held by now: a held slot, leaving the permit to a read that needs one.
            waiting.poll();
            heldInUse++;
            next = t;
            held = true;
            break;
          } else if (inUse < permits) {
            waiting.poll();
            inUse++;
            next = t;
            break;
          } else {
            break;
          }
        }
        if (next == null) {
          drainScheduled = false;
          return;
        }
      }
      if (held) {
        runHeld(next);
      } else {
        run(next);
      }
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
