package io.vtstatus.internal.client;

import io.vtstatus.JobListener;
import io.vtstatus.PollSchedule;
import io.vtstatus.WebhookOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/** A built client's configuration, validated by {@code StatusClient.Builder}. */
public record ClientConfig(
    URI server,
    WebhookOptions webhook,
    PollSchedule schedule,
    Duration timeout,
    Duration requestTimeout,
    Optional<ScheduledExecutorService> executor,
    Clock clock,
    JobListener listener,
    int maxConcurrentRequests) {

  /** The server's base URL without a trailing slash, to append {@code /status} etc. to. */
  public String base() {
    String s = server.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
