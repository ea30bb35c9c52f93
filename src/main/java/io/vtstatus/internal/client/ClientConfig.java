package io.vtstatus.internal.client;

import io.vtstatus.JobListener;
import io.vtstatus.PollSchedule;
import io.vtstatus.WebhookOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/** A built client's configuration, validated by {@code StatusClient.Builder}. */
public record ClientConfig(
    URI server,
    WebhookOptions webhook,
    PollSchedule schedule,
    Duration timeout,
    Duration requestTimeout,
    Optional<ScheduledExecutorService> executor,
    Executor callbackExecutor,
    Clock clock,
    JobListener listener,
    int maxConcurrentRequests,
    ProtocolSpec protocol,
    Credentials credentials,
    int maxBodySize,
    WebhookScheme webhookScheme,
    Duration longPoll,
    int maxHeldReads) {}
