package io.vtstatus.internal.bench;

import io.vtstatus.JobStatus;
import java.util.List;
import java.util.ArrayList;
import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link JobListener} that notes, per job id, when the client detected the end (its own
 * {@code System.nanoTime()} at {@code completed}) and how many times {@code completed} was
 * called, so the benchmark can check exact-once resolution independently of the futures.
 */
final class Tally implements JobListener {
  private final ConcurrentHashMap<String, Long> detectedAt = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Integer> completions = new ConcurrentHashMap<>();
  private final CountDownLatch registered = new CountDownLatch(1);
  private final ConcurrentHashMap<String, Long> sentAt = new ConcurrentHashMap<>();
  private final List<Double> roundTripsMs = new ArrayList<>();

  @Override
  public void pollSent(String jobId, int attempt) {
    sentAt.put(jobId + "#" + attempt, System.nanoTime());
  }

  @Override
  public void pollAnswered(String jobId, int attempt, JobStatus status) {
    long now = System.nanoTime();
    Long sent = sentAt.remove(jobId + "#" + attempt);
    if (sent != null) {
      synchronized (roundTripsMs) {
        roundTripsMs.add((now - sent) / 1e6);
      }
    }
  }

  /** Each answered poll's time from sent to answered (status read), ms, since the last clear. */
  double[] roundTripsMs() {
    synchronized (roundTripsMs) {
      return roundTripsMs.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  /** Forgets the round trips so far (the warm-up's). */
  void clearRoundTrips() {
    synchronized (roundTripsMs) {
      roundTripsMs.clear();
    }
  }

  @Override
  public void completed(JobResult result) {
    // Taken first thing: the listener hears of an ending before the future completes.
    long now = System.nanoTime();
    detectedAt.putIfAbsent(result.jobId(), now);
    completions.merge(result.jobId(), 1, Integer::sum);
  }

  @Override
  public void webhookRegistered(String url, Exception failure) {
    if (failure == null) {
      registered.countDown();
    }
  }

  /** Waits (bounded) until the client's webhook listener is registered with the server. */
  boolean awaitRegistration(Duration timeout) throws InterruptedException {
    return registered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The nanoTime at which {@code jobId}'s end was detected, or -1 if it was not. */
  long detectedAt(String jobId) {
    Long t = detectedAt.get(jobId);
    return t == null ? -1 : t;
  }

  /** How many times {@code completed} was called for {@code jobId}. */
  int completions(String jobId) {
    return completions.getOrDefault(jobId, 0);
  }
}
