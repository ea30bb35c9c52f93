package io.vtstatus.internal.client;

import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Keeps the client running when a user's listener throws: logged once, otherwise ignored. An
 * {@link Error} counts too: a JUnit assertion inside a listener throws {@link AssertionError},
 * and letting it escape would skip the steps that end a watch or release a request permit.
 */
final class SafeListener implements JobListener {
  private final JobListener d;

  SafeListener(JobListener d) {
    this.d = d;
  }

  private static void run(Runnable r) {
    try {
      r.run();
    } catch (Throwable e) {
      Engine.LOG.log(Level.WARNING, "JobListener threw", e);
    }
  }

  @Override
  public void pollSent(String jobId, int attempt) {
    run(() -> d.pollSent(jobId, attempt));
  }

  @Override
  public void pollAnswered(String jobId, int attempt, JobStatus status) {
    run(() -> d.pollAnswered(jobId, attempt, status));
  }

  @Override
  public void pollFailed(String jobId, int attempt, Exception failure) {
    run(() -> d.pollFailed(jobId, attempt, failure));
  }

  @Override
  public void longPollCut(Duration heldFor, Duration nowWait) {
    run(() -> d.longPollCut(heldFor, nowWait));
  }

  @Override
  public void statusChanged(String jobId, JobStatus from, JobStatus to) {
    run(() -> d.statusChanged(jobId, from, to));
  }

  @Override
  public void unknownStatus(String jobId, String word) {
    run(() -> d.unknownStatus(jobId, word));
  }

  @Override
  public void webhookReceived(String jobId, JobStatus status, boolean verified) {
    run(() -> d.webhookReceived(jobId, status, verified));
  }

  @Override
  public void webhookForUnwatchedJob(String jobId, Map<String, List<String>> headers, byte[] body) {
    run(() -> d.webhookForUnwatchedJob(jobId, headers, body));
  }

  @Override
  public void webhookRejected(int httpStatus, String reason) {
    run(() -> d.webhookRejected(httpStatus, reason));
  }

  @Override
  public void webhookRegistered(String url, Exception failure) {
    run(() -> d.webhookRegistered(url, failure));
  }

  @Override
  public void completed(JobResult result) {
    run(() -> d.completed(result));
  }

  @Override
  public void failed(String jobId, Throwable failure, Duration waited) {
    run(() -> d.failed(jobId, failure, waited));
  }
}
