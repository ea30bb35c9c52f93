package io.vtstatus.internal.sim;

import com.sun.net.httpserver.HttpExchange;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Long polls ({@code Prefer: wait=N}) parked without a thread: a held exchange is a map entry
 * and a timer. It is answered when its job ends ({@link #ended}, from whichever thread ends
 * the job) or when its wait is over, whichever comes first, and always on the request pool:
 * neither the scheduler nor the thread that ended the job writes to a socket.
 */
final class Holds {
  private final ScheduledExecutorService scheduler;
  private final ExecutorService pool;
  private final ConcurrentHashMap<Job, Set<Held>> byJob = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private static final class Held {
    final HttpExchange exchange;
    final Response.Hold hold;
    final Consumer<Response> write;
    final AtomicBoolean over = new AtomicBoolean();
    volatile ScheduledFuture<?> timer;

    Held(HttpExchange exchange, Response.Hold hold, Consumer<Response> write) {
      this.exchange = exchange;
      this.hold = hold;
      this.write = write;
    }
  }

  Holds(ScheduledExecutorService scheduler, ExecutorService pool) {
    this.scheduler = scheduler;
    this.pool = pool;
  }

  /** Parks {@code ex} as {@code hold} says; {@code write} answers it (on the request pool). */
  void park(HttpExchange ex, Response.Hold hold, Consumer<Response> write) {
    Held h = new Held(ex, hold, write);
    byJob.compute(hold.job(), (k, s) -> {
      Set<Held> set = s == null ? ConcurrentHashMap.newKeySet() : s;
      set.add(h);
      return set;
    });
    if (closed) {
      drop(h);
      return;
    }
    try {
      h.timer = scheduler.schedule(() -> release(h), hold.waitNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      drop(h);
      return;
    }
    // The job may have ended between the route's look and joining the map, unseen by ended().
    if (hold.job().state().status().isTerminal()) {
      release(h);
    }
  }

  /** {@code job} ended: every exchange held for it is answered now. */
  void ended(Job job) {
    Set<Held> s = byJob.remove(job);
    if (s != null) {
      for (Held h : s) {
        release(h);
      }
    }
  }

  /** Exchanges held now. */
  int size() {
    int n = 0;
    for (Set<Held> s : byJob.values()) {
      n += s.size();
    }
    return n;
  }

  /** Closes every held exchange unanswered; later parks are closed at once. */
  void close() {
    closed = true;
    for (Set<Held> s : byJob.values()) {
      for (Held h : s) {
        drop(h);
      }
    }
    byJob.clear();
  }

  private boolean take(Held h) {
    if (!h.over.compareAndSet(false, true)) {
      return false;
    }
    byJob.computeIfPresent(h.hold.job(), (k, s) -> {
      s.remove(h);
      return s.isEmpty() ? null : s;
    });
    ScheduledFuture<?> t = h.timer;
    if (t != null) {
      t.cancel(false);
    }
    return true;
  }

  private void release(Held h) {
    if (!take(h)) {
      return;
    }
    try {
      pool.execute(() -> h.write.accept(h.hold.answer().get()));
    } catch (RejectedExecutionException closing) {
      h.exchange.close();
    }
  }

  private void drop(Held h) {
    if (take(h)) {
      h.exchange.close();
    }
  }
}
