package io.vtstatus.internal.client;

/**
 * What webhook deliveries may do to the client: hand in an event already checked and
 * answered. {@link WebhookIntake} sees nothing else of the engine.
 */
interface WebhookSink {
  /**
   * A terminal event for {@code jobId}. {@code verified} events (the scheme checked them) end
   * watches; unverified ones are hints that the client confirms with a poll. {@code raw} is the
   * delivery as received, reported when no watch of this client wants it.
   */
  void accept(String jobId, StatusAnswer event, boolean verified, Delivery raw);
}
