package io.vtstatus.internal.cli;

import io.vtstatus.JobListener;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.util.Durations;
import java.io.PrintStream;
import java.time.Duration;

/** One line per client event, stamped with the time since start: the CLI's live output. */
final class ProgressLines implements JobListener {
  private final PrintStream out;
  private final long t0;

  ProgressLines(PrintStream out, long t0) {
    this.out = out;
    this.t0 = t0;
  }

  /** A line of the command's own, stamped like the client's events. */
  synchronized void line(String s) {
    out.printf("[%8s] %s%n", Durations.format(Duration.ofNanos(System.nanoTime() - t0)), s);
  }

  @Override
  public void pollAnswered(String jobId, int poll, JobStatus status) {
    line("poll    " + jobId + " #" + poll + ": " + status.wireName());
  }

  @Override
  public void pollFailed(String jobId, int poll, Exception failure) {
    line("poll    " + jobId + " #" + poll + " failed: " + failure.getMessage());
  }

  @Override
  public void webhookReceived(String jobId, JobStatus status, boolean verified) {
    line("webhook " + jobId + ": " + status.wireName()
        + (verified ? " (verified)" : " (unverified: confirming by poll)"));
  }

  @Override
  public void webhookRegistered(String url, Exception failure) {
    line(failure == null ? "listening for webhooks at " + url
        : "webhook registration failed (" + failure.getMessage() + "); polling only for now");
  }

  @Override
  public void webhookRejected(int httpStatus, String reason) {
    line("rejected a webhook request (" + httpStatus + "): " + reason);
  }

  @Override
  public void unknownStatus(String jobId, String word) {
    line("poll    " + jobId + ": status \"" + Args.printable(word)
        + "\" is not in the protocol's vocabulary; still waiting");
  }

  @Override
  public void completed(JobResult r) {
    line("done    " + r.jobId() + ": " + r.status().wireName() + " via "
        + r.detectedBy().wireName() + " after " + r.polls() + " polls");
    r.output().ifPresent(o -> line("output  " + Args.printable(o, 4000)));
    r.error().ifPresent(e -> line("error   " + Args.printable(e, 4000)));
  }
}
