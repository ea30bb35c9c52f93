package io.vtstatus.internal.sim;

/**
 * The bounds on webhook deliveries, all registrations together and each one's share: attempts
 * in flight, attempts waiting for their headers (each holding a sender thread), attempts waiting
 * to start. Tests shrink them.
 */
record DeliveryLimits(int inFlight, int inFlightPerWebhook, int pending, int pendingPerWebhook,
    int senders, int sendersPerWebhook) {
  static final int MAX_IN_FLIGHT = 256;
  static final int MAX_IN_FLIGHT_PER_WEBHOOK = 32;
  /** Threads waiting for receivers' headers: all registrations together, and one at most. */
  static final int SENDERS = 64;
  static final int SENDERS_PER_WEBHOOK = 16;
  /**
   * Attempts waiting per registration: one per job the simulator holds by default ({@code
   * --max-jobs 100000}), so one receiver watching every job loses none when they all end at
   * once (issue 23: at 10,000 a 100,000-job run dropped 89 % of its events); about 40 MB at most.
   */
  static final int MAX_PENDING_PER_WEBHOOK = 100_000;
  /** All registrations together; when full the longest queue gives way, so isolation holds. */
  static final int MAX_PENDING = 200_000;

  static final DeliveryLimits DEFAULT = new DeliveryLimits(MAX_IN_FLIGHT,
      MAX_IN_FLIGHT_PER_WEBHOOK, MAX_PENDING, MAX_PENDING_PER_WEBHOOK, SENDERS,
      SENDERS_PER_WEBHOOK);

  /**
   * A lane's share of the in-flight slots: the global bound divided by the lanes that have work
   * (at least 1), at most the per-webhook maximum, at least 1. A busy receiver alone gets the
   * maximum; next to 24 others each gets a tenth of the slots, so receivers that hold theirs
   * (stalled or silent) leave the rest to the others.
   */
  int inFlightShare(int lanesWithWork) {
    return share(inFlight, inFlightPerWebhook, lanesWithWork);
  }

  /** A lane's share of the sender threads, divided as {@link #inFlightShare}. */
  int sendersShare(int lanesWithWork) {
    return share(senders, sendersPerWebhook, lanesWithWork);
  }

  private static int share(int global, int perWebhook, int lanesWithWork) {
    return Math.max(1, Math.min(perWebhook, global / Math.max(1, lanesWithWork)));
  }
}
