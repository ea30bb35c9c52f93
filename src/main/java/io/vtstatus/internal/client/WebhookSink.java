package io.vtstatus.internal.client;

/**
 * What the webhook listener may do to the client: hand in an event it has already answered.
 * The listener sees nothing else of the engine.
 */
interface WebhookSink {
  /**
   * A terminal event for {@code jobId}. {@code verified} events (signature checked) end
   * watches; unverified ones are hints that the client confirms with a poll.
   */
  void accept(String jobId, StatusAnswer event, boolean verified);
}
