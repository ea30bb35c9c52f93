package io.vtstatus.simulator;

import java.net.URI;
import java.util.Optional;

/**
 * One webhook delivery attempt, successful or not, as {@link SimulatorServer#takeDelivery}
 * returns it.
 *
 * @param webhookId the registration the attempt was for ({@code wh_…})
 * @param eventId the {@code webhook-id} header ({@code msg_…}), the same on every retry of one
 *     event to one registration, and on a deliberate duplicate
 * @param url where the attempt went
 * @param jobId the job whose terminal event this is
 * @param attempt 1 for the first attempt, 2 for the first retry, ...
 * @param statusCode the receiver's HTTP status, 0 if the attempt failed or was dropped
 * @param failure why the attempt failed (connection error, timeout, non-2xx, {@code dropped}),
 *     empty when it got a 2xx answer
 * @param body the JSON body that was (or would have been) sent
 * @param dropped true when the simulator deliberately did not send this attempt
 */
public record WebhookDelivery(
    String webhookId,
    String eventId,
    URI url,
    String jobId,
    int attempt,
    int statusCode,
    Optional<String> failure,
    String body,
    boolean dropped) {

  /**
   * True when the receiver answered 2xx.
   *
   * @return true when the receiver answered 2xx
   */
  public boolean succeeded() {
    return statusCode >= 200 && statusCode < 300;
  }
}
