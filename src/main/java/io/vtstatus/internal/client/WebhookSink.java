package io.vtstatus.internal.client;

/**
 * What webhook deliveries may do to the client: hand in an event already checked and
 * answered. {@link WebhookIntake} sees nothing else of the engine.
 */
interface WebhookSink {
  /**
   * An event for {@code jobId}. {@code verified} terminal events (the scheme checked them) end
   * watches; unverified ones are hints that the client confirms with a poll; other states
   * update progress and end nothing. {@code raw} is the delivery as received, reported when no
   * watch of this client wants a terminal event.
   */
  void accept(String jobId, StatusAnswer event, boolean verified, Delivery raw);
}
