package io.vtstatus.testing;

import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link JobListener} that records events for tests to count and block on. */
public final class Recorder implements JobListener {
  public final Map<String, AtomicInteger> completions = new ConcurrentHashMap<>();
  public final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
  public final AtomicInteger polls = new AtomicInteger();
  public final AtomicInteger pollFailures = new AtomicInteger();
  public final AtomicInteger webhooks = new AtomicInteger();
  public final AtomicInteger rejected = new AtomicInteger();
  public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> registrations = new LinkedBlockingQueue<>();

  @Override
  public void pollAnswered(String jobId, int attempt, JobStatus status) {
    polls.incrementAndGet();
    events.add("poll " + jobId + " " + status);
  }

  @Override
  public void pollFailed(String jobId, int attempt, Exception failure) {
    pollFailures.incrementAndGet();
  }

  @Override
  public void webhookReceived(String jobId, JobStatus status, boolean verified) {
    webhooks.incrementAndGet();
    events.add("webhook " + jobId + " " + status + (verified ? " verified" : " unsigned"));
  }

  @Override
  public void webhookRejected(int httpStatus, String reason) {
    rejected.incrementAndGet();
    events.add("rejected " + httpStatus);
  }

  @Override
  public void webhookRegistered(String url, Exception failure) {
    registrations.add(failure == null ? "ok" : "failed: " + failure);
  }

  @Override
  public void completed(JobResult result) {
    completions.computeIfAbsent(result.jobId(), k -> new AtomicInteger()).incrementAndGet();
  }

  @Override
  public void failed(String jobId, Throwable failure, Duration waited) {
    failures.computeIfAbsent(jobId, k -> new AtomicInteger()).incrementAndGet();
  }

  /** How many times {@code jobId} ended, by result or by failure. */
  public int endings(String jobId) {
    AtomicInteger c = completions.get(jobId);
    AtomicInteger f = failures.get(jobId);
    return (c == null ? 0 : c.get()) + (f == null ? 0 : f.get());
  }

  /** Blocks until the listener was registered (or registration failed); returns the outcome. */
  public String awaitRegistration(Duration timeout) throws InterruptedException {
    String s = registrations.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return s == null ? "none" : s;
  }

  /** Blocks until an event starting with {@code prefix} arrives. */
  public boolean awaitEvent(String prefix, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      String e = events.poll(left, TimeUnit.NANOSECONDS);
      if (e != null && e.startsWith(prefix)) {
        return true;
      }
    }
  }
}
