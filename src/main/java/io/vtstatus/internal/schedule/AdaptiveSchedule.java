package io.vtstatus.internal.schedule;

import io.vtstatus.PollContext;
import io.vtstatus.PollSchedule;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The default schedule (first version): server hints first; otherwise geometric backoff from a
 * jittered first poll; stretched into a sparse safety net while webhooks arrive.
 */
final class AdaptiveSchedule implements PollSchedule {
  static final Duration MIN = Duration.ofMillis(50);
  static final Duration MAX = Duration.ofSeconds(30);
  static final Duration SAFETY_NET = Duration.ofSeconds(30);

  private final Duration requestCost;

  AdaptiveSchedule(Duration requestCost) {
    this.requestCost = requestCost;
  }

  @Override
  public Duration nextDelay(PollContext c) {
    if (c.serverHint().isPresent()) {
      return clamp(c.serverHint().get());
    }
    if (c.webhooksArriving()) {
      return SAFETY_NET;
    }
    double base = 500 * Math.pow(1.5, c.attempt());
    double jitter = c.attempt() == 0 ? ThreadLocalRandom.current().nextDouble(0.5, 1.5) : 1.0;
    return clamp(Duration.ofMillis((long) (base * jitter)));
  }

  private static Duration clamp(Duration d) {
    if (d.compareTo(MIN) < 0) {
      return MIN;
    }
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  @Override
  public String toString() {
    return "adaptive(requestCost=" + requestCost + ")";
  }
}
