package io.vtstatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Callbacks for what a {@link StatusClient} does, for progress output and metrics. Every method
 * has an empty default; override what you need.
 *
 * <p>Called synchronously, in the order things happen for one job, mostly on the client's own
 * threads (its scheduler, request and webhook threads), but on yours in four cases: {@code
 * watch()} or {@code await()} of a job whose verified webhook came first ({@link #completed}
 * before it returns), cancelling a watch's future or {@code await()} interrupted or timed out
 * ({@link #failed}), {@code close()} ({@link #failed} for each pending watch), and {@link
 * StatusClient#acceptWebhook} refusing a delivery ({@link #webhookRejected}). Return
 * quickly and never block, or every watch of the client waits with you (and a webhook sender
 * waits for its acknowledgement, which is written after the callbacks); hand slow work to an
 * executor of your own. Whatever a callback throws, an {@link Error} such as a failed assertion
 * included, is logged (once, on the {@code io.vtstatus} logger) and otherwise ignored: the watch
 * still ends with the truth, and its request permit and timers are released.
 */
public interface JobListener {

  /**
   * A status request for {@code jobId} is about to be sent.
   *
   * @param jobId the job
   * @param poll the request's number in the wait, from 1: after it is sent, {@link
   *     PollContext#polls()} and {@link JobResult#polls()} count it (a resumed wait goes on
   *     from its first watch's count)
   */
  default void pollSent(String jobId, int poll) {}

  /**
   * Status request number {@code poll} for {@code jobId} was answered with {@code status} (a
   * {@code 304} with the status it stands for).
   *
   * @param jobId the job
   * @param poll the request's number, as {@link #pollSent} gave it
   * @param status what the answer said
   */
  default void pollAnswered(String jobId, int poll, JobStatus status) {}

  /**
   * Status request number {@code poll} for {@code jobId} failed; the client retries if time
   * allows.
   *
   * @param jobId the job
   * @param poll the request's number, as {@link #pollSent} gave it
   * @param failure why: an {@link java.io.IOException} (a timeout, a connection refused, a
   *     retryable status such as {@code 503})
   */
  default void pollFailed(String jobId, int poll, Exception failure) {}

  /**
   * Something between the client and the server cut a held status read ({@code Prefer: wait=N})
   * after {@code heldFor}, closing it or answering {@code 502}/{@code 504}: no watch fails, and
   * from now on reads are held for at most {@code nowWait} ({@link Duration#ZERO}: not held).
   * Called once per client.
   *
   * @param heldFor how long the read was held when it was cut
   * @param nowWait the longest hold asked for from now on
   */
  default void longPollCut(Duration heldFor, Duration nowWait) {}

  /**
   * The job's status changed from {@code from} to {@code to} as far as this client knows.
   *
   * @param jobId the job's id
   * @param from the status before
   * @param to the status now
   */
  default void statusChanged(String jobId, JobStatus from, JobStatus to) {}

  /**
   * A webhook for {@code jobId} was accepted, saying {@code status} ({@link JobStatus#PENDING}
   * for a state that ends nothing, such as Replicate's {@code start}). {@code verified} is false
   * for one the client's scheme did not verify, which it confirms with a poll before trusting.
   *
   * @param jobId the job's id
   * @param status what the webhook says
   * @param verified whether the client's scheme verified it
   */
  default void webhookReceived(String jobId, JobStatus status, boolean verified) {}

  /**
   * A delivery ending {@code jobId}, which no watch of this client waits for, was accepted
   * (verified, or as a hint). The client keeps it for 10 minutes, for a watch of that job
   * starting late. With several replicas behind one webhook URL, this is the delivery another
   * replica may be waiting for: relay {@code headers} and {@code body}, as received, to the
   * replicas (over your own bus), each of which hands them to its {@link
   * StatusClient#acceptWebhook}; that verifies them again, and a replica that does not watch the
   * job reports it here in turn, so relay only deliveries that came from the sender. {@code
   * headers} and {@code body} are copies, yours to keep.
   *
   * @param jobId the job's id
   * @param headers the delivery's headers, a copy
   * @param body the delivery's body, a copy
   */
  default void webhookForUnwatchedJob(String jobId, Map<String, List<String>> headers, byte[] body) {}

  /**
   * A webhook delivery was rejected (by the listener or {@link StatusClient#acceptWebhook}) with
   * {@code httpStatus}; {@code reason} says why, never quoting a secret.
   *
   * @param httpStatus the status answered to the sender
   * @param reason why, never quoting a secret
   */
  default void webhookRejected(int httpStatus, String reason) {}

  /**
   * The listener was registered with the server (or registration failed with {@code failure}).
   *
   * @param url the URL registered
   * @param failure why registration failed, or {@code null} when it succeeded
   */
  default void webhookRegistered(String url, Exception failure) {}

  /**
   * A status answer for {@code jobId} carried {@code word}, which the client's {@link
   * JobProtocol} does not declare: the watch keeps waiting. Called once per word and client.
   *
   * @param jobId the job's id
   * @param word the undeclared word, as the server sent it
   */
  default void unknownStatus(String jobId, String word) {}

  /**
   * The watch ended with {@code result}; called exactly once per successful watch.
   *
   * @param result how the job ended
   */
  default void completed(JobResult result) {}

  /**
   * The watch ended without a result (timeout, unknown job, protocol error, cancel, close).
   *
   * @param jobId the job's id
   * @param failure why: a {@link JobTimeoutException}, {@link JobNotFoundException}, {@link
   *     ProtocolException}, {@link java.util.concurrent.CancellationException}, or whatever
   *     else ended the watch
   * @param waited how long the watch waited
   */
  default void failed(String jobId, Throwable failure, Duration waited) {}
}
