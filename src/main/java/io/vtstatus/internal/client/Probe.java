package io.vtstatus.internal.client;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * One status request without starting a client, for a caller that may be asking about a job
 * that has already ended (the CLI's {@code wait}): no listener, no scheduler, no {@code
 * HttpClient}. Its answer means exactly what a client's poll would mean ({@link StatusApi}).
 */
public final class Probe {
  private Probe() {}

  /**
   * Asks once, within {@code timeout}, whether {@code jobId} has ended.
   *
   * @return the result when it has ended; empty while it is pending
   * @throws io.vtstatus.JobNotFoundException if the server does not know the job
   * @throws io.vtstatus.ProtocolException if the answer is unusable
   * @throws IOException if the server could not be asked (worth asking again)
   */
  public static Optional<JobResult> once(URI server, String jobId, Duration timeout) throws IOException {
    long t0 = System.nanoTime();
    UrlConnectionTransport t = new UrlConnectionTransport(StatusAnswer.MAX_BODY);
    try {
      StatusApi api = new StatusApi(server, t, Clock.systemUTC());
      StatusApi.Polled p = api.poll(jobId, api.statusUri(jobId), timeout).get();
      JobStatus s = p.answer().status();
      if (!s.isTerminal()) {
        return Optional.empty();
      }
      return Optional.of(new JobResult(jobId, s, DetectedBy.POLL, 1,
          Duration.ofNanos(System.nanoTime() - t0), p.answer().updatedAt()));
    } catch (ExecutionException | CompletionException e) {
      Throwable c = e.getCause();
      while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof IOException) {
        throw (IOException) c;
      }
      if (c instanceof RuntimeException) {
        throw (RuntimeException) c;
      }
      throw new IOException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      t.close();
    }
  }
}
