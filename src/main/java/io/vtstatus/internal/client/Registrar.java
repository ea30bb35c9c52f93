package io.vtstatus.internal.client;

import io.vtstatus.JobListener;
import io.vtstatus.internal.jfr.Flight;
import io.vtstatus.internal.util.Scheduler;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the webhook listener registered with the server: registers at start-up, again every
 * {@link #REFRESH_EVERY_NANOS} (servers forget registrations when they restart, and nothing
 * else would tell us), again soon after a poll meets a 404 (a restart that lost jobs), and
 * retries failures with backoff. It runs beside polling and never delays it; one registration
 * request at a time.
 */
final class Registrar implements Registration {
  static final long REFRESH_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);
  /** A 404 storm after a restart registers once, not once per lost job. */
  static final long REFRESH_MIN_GAP_NANOS = TimeUnit.SECONDS.toNanos(10);
  static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final StatusApi api;
  private final Scheduler scheduler;
  private final JobListener listener;
  private final URI url;
  private final String secret;
  private final Duration timeout;
  private final Consumer<List<String>> useKeys;
  private final String server;
  private volatile boolean registered;
  private boolean inFlight;
  private boolean stopped;
  private int failures;
  private long lastRefreshNanos;
  private boolean refreshed;
  private Scheduler.Cancellable timer;
  private CompletableFuture<List<String>> request;

  /**
   * @param useKeys told the server's keys after each success: the key material its answer
   *     carried, or our {@code secret} when it carried none
   */
  Registrar(StatusApi api, Scheduler scheduler, JobListener listener, URI url, String secret,
      Duration timeout, Consumer<List<String>> useKeys, String server) {
    this.api = api;
    this.scheduler = scheduler;
    this.listener = listener;
    this.url = url;
    this.secret = secret;
    this.timeout = timeout;
    this.useKeys = useKeys;
    this.server = server;
  }

  /** Registers now, in the background. */
  void start() {
    attempt();
  }

  @Override
  public boolean registered() {
    return registered;
  }

  @Override
  public void refreshSoon() {
    synchronized (this) {
      long now = scheduler.nanoTime();
      if (stopped || inFlight || !registered
          || refreshed && now - lastRefreshNanos < REFRESH_MIN_GAP_NANOS) {
        return;
      }
      refreshed = true;
      lastRefreshNanos = now;
    }
    attempt();
  }

  private void attempt() {
    CompletableFuture<List<String>> f;
    Object flight;
    int attempt;
    synchronized (this) {
      if (stopped || inFlight) {
        return;
      }
      inFlight = true;
      attempt = failures + 1;
      flight = Flight.registrationBegin();
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
      f = api.register(url, secret, timeout);
      request = f;
    }
    f.whenComplete((serverKeys, err) -> {
      synchronized (this) {
        inFlight = false;
        request = null;
        if (stopped) {
          return;
        }
      }
      Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      Flight.registrationEnd(flight, attempt, e);
      long next;
      if (e == null) {
        useKeys.accept(serverKeys);
        registered = true;
        synchronized (this) {
          failures = 0;
        }
        listener.webhookRegistered(url.toString(), null);
        Engine.LOG.log(Level.DEBUG, "registered webhook {0} with {1}", url, server);
        next = REFRESH_EVERY_NANOS;
      } else {
        Exception ex = e instanceof Exception ? (Exception) e : new RuntimeException(e);
        int n;
        synchronized (this) {
          n = ++failures;
        }
        listener.webhookRegistered(url.toString(), ex);
        Engine.LOG.log(Level.WARNING, "webhook registration with " + server + " failed (attempt "
            + n + "), polling carries on: " + e);
        next = Math.min(MAX_RETRY_NANOS, TimeUnit.SECONDS.toNanos(1) << Math.min(n - 1, 6));
      }
      arm(next);
    });
  }

  private synchronized void arm(long delayNanos) {
    if (stopped) {
      return;
    }
    try {
      timer = scheduler.schedule(this::attempt, delayNanos);
    } catch (RejectedExecutionException e) {
      // Closing.
    }
  }

  /** Stops registering: cancels the timer and the request in flight. */
  void stop() {
    Scheduler.Cancellable t;
    CompletableFuture<List<String>> f;
    synchronized (this) {
      stopped = true;
      t = timer;
      f = request;
      timer = null;
    }
    if (t != null) {
      t.cancel();
    }
    if (f != null) {
      f.cancel(true);
    }
  }
}
