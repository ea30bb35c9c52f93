package io.vtstatus.internal.cli;

import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.StatusClient;
import io.vtstatus.internal.client.Outcomes;
import io.vtstatus.internal.client.ResumeToken;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code wait --resume-file FILE}: the wait's resume token kept in a file, so a run killed and
 * started again continues the same wait. A file that cannot be read, or holds a token for
 * another server or job, is not an error: the run waits afresh and replaces it.
 */
final class ResumeFiles {
  /** A token file is a few hundred bytes; anything much larger is not ours. */
  static final long MAX_SIZE = 4096;

  private ResumeFiles() {}

  /** The token in {@code file} if it continues a wait for {@code job} at {@code server}. */
  static Optional<String> read(Optional<Path> file, URI server, String job) {
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return Optional.empty();
    }
    try {
      if (Files.size(file.get()) > MAX_SIZE) {
        return Optional.empty();
      }
      String token = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
      ResumeToken t = ResumeToken.decode(token);
      boolean ours = t.server().equals(ResumeToken.serverOf(server)) && t.jobId().equals(job);
      return ours ? Optional.of(token) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Waits for {@code job}: continuing {@code saved} if there is one, else for {@code timeout};
   * writes the wait's token to {@code file} once it has started.
   */
  static JobResult await(StatusClient client, String job, Optional<String> saved, Duration timeout,
      Path file, Consumer<String> note)
      throws IOException, JobTimeoutException, InterruptedException {
    CompletableFuture<JobResult> f = null;
    Duration bound = timeout;
    if (saved.isPresent()) {
      try {
        f = client.resume(saved.get());
        note.accept("resuming the wait saved in " + file);
        bound = Duration.ofNanos(Long.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        note.accept("cannot resume the wait in " + file + " (" + e.getMessage() + "); waiting afresh");
      }
    }
    if (f == null) {
      f = client.watch(job, timeout);
    }
    Optional<String> token = client.resumeToken(job);
    if (token.isPresent()) {
      write(file, token.get());
    }
    return join(f, job, bound);
  }

  /** Removes the file, if any; a file already gone is fine. */
  static void remove(Optional<Path> file) {
    if (file.isPresent()) {
      try {
        Files.deleteIfExists(file.get());
      } catch (IOException ignored) {
        // Nothing to do: a stale token for an ended job resumes to the job's answer at once.
      }
    }
  }

  private static void write(Path file, String token) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".vtstatus-resume", ".tmp");
    try {
      Files.writeString(tmp, token + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * The result of {@code f}, as {@link StatusClient#await} would throw it. The watch ends itself
   * by its deadline; {@code bound} (plus slack) only guards against that failing.
   */
  private static JobResult join(CompletableFuture<JobResult> f, String job, Duration bound)
      throws IOException, JobTimeoutException, InterruptedException {
    try {
      long nanos = bound.toNanos() > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2
          : bound.toNanos() + TimeUnit.SECONDS.toNanos(2);
      return f.get(nanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new JobTimeoutException(job, JobStatus.PENDING, bound, 0);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw Outcomes.unwrap(e);
    }
  }
}
