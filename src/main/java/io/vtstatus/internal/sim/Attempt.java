package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.Probe;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One webhook attempt in flight, and its own body handler.
 *
 * <ul>
 *   <li>It is bounded in total time (connect, headers and body) by the webhook timeout. The
 *       JDK's request timeout bounds connect and headers; our own timer ({@link #expire}) bounds
 *       the rest, because the JDK's stops once headers arrive: at the deadline the body
 *       subscription is cancelled, which closes the connection.
 *   <li>The answer is the status line: a receiver that sends {@code 200} and then stalls has
 *       answered (its connection is closed at the deadline, not reused).
 *   <li>A sender thread is held only until the headers arrive: the body future completes as
 *       soon as the body starts, so {@code send} returns then, and this subscriber drains the
 *       body on the HTTP client's threads until it ends, the size cap or the deadline. A receiver
 *       that stalls after its headers holds a socket and no thread.
 * </ul>
 *
 * <p>Why not {@code sendAsync}: on Java 17 with fewer than 3 CPUs it completes every response
 * on a new thread (the JDK hops to {@code CompletableFuture}'s default executor, which is
 * thread-per-task there), measured at 1,400 threads started for 2,000 deliveries. A blocking
 * {@code send} on a bounded pool starts none.
 *
 * <p>Fields are written by the sender, the client's threads and the timer; what the attempt
 * learns goes to {@link Events}, which hands it to the delivery thread.
 */
final class Attempt implements HttpResponse.BodyHandler<Void>, HttpResponse.BodySubscriber<Void> {
  /** Response bytes read (and discarded) per attempt; past it the connection is closed. */
  static final long MAX_RESPONSE_BODY = 64 * 1024;

  /** Where an attempt reports; called from any thread. */
  interface Events {
    /** The attempt no longer holds a sender thread (headers in, or no answer at all). */
    void headersIn(Attempt a);

    /** The attempt is over and its socket released (or closed); called once. */
    void finished(Attempt a, Optional<HttpResponse<Void>> response, Throwable error);
  }

  private final Optional<StandIn> standIn;
  final Lane lane;
  final Lane.Pending pending;
  private final Duration timeout;
  private final Clock clock;
  private final Events events;
  /** Completes when the body has ended or been cut: the socket is free (or closed). */
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final AtomicBoolean over = new AtomicBoolean();
  volatile ScheduledFuture<?> deadline;
  private volatile Flow.Subscription subscription;
  private volatile boolean timedOut;
  /** The status line's code once the headers are in, else 0. */
  volatile int status;
  private long read;

  Attempt(Lane lane, Lane.Pending pending, Duration timeout, Clock clock,
      Optional<StandIn> standIn, Events events) {
    this.standIn = standIn;
    this.lane = lane;
    this.pending = pending;
    this.timeout = timeout;
    this.clock = clock;
    this.events = events;
  }

  /**
   * On a sender thread: signs and sends the attempt, blocking until the headers are in (or the
   * request times out). Signed per attempt, as the bytes sent, so a retry after a rotation
   * carries the new keys' signatures.
   */
  void send(HttpClient c) {
    Lane.Event ev = pending.event;
    Probe.at(Probe.SENDER_PICKED_UP, ev.jobId());
    HttpResponse<Void> response;
    try {
      Instant now = clock.instant();
      long timestamp = now.getEpochSecond();
      byte[] body = ev.body().getBytes(StandardCharsets.UTF_8);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(ev.reg().url)
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      StandIn.WebhookAuth auth = standIn.map(StandIn::webhookAuth)
          .orElse(StandIn.WebhookAuth.STANDARD_WEBHOOKS);
      if (auth == StandIn.WebhookAuth.STANDARD_WEBHOOKS) {
        request.header("webhook-id", ev.eventId())
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", ev.reg().keys().sign(ev.eventId(), timestamp, body, now));
      } else if (auth == StandIn.WebhookAuth.SHARED_HEADER) {
        standIn.get().webhookHeader().ifPresent(h -> request.header(h[0], h[1]));
      }
      HttpRequest built = request.build();
      Probe.at(Probe.REQUEST_SENT, ev.jobId());
      response = c.send(built, this);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      events.headersIn(this);
      finish(Optional.empty(), e);
      return;
    } catch (IOException | RuntimeException e) {
      events.headersIn(this);
      finish(Optional.empty(), e);
      return;
    }
    events.headersIn(this);
    drained.whenComplete((v, e) -> finish(Optional.of(response), null));
  }

  /** Reports the end of the attempt, once. */
  void finish(Optional<HttpResponse<Void>> response, Throwable error) {
    if (over.compareAndSet(false, true)) {
      events.finished(this, response, error);
    }
  }

  @Override
  public HttpResponse.BodySubscriber<Void> apply(HttpResponse.ResponseInfo info) {
    status = info.statusCode();
    return this;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (timedOut) {
      s.cancel();
      drained.complete(null);
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    for (ByteBuffer b : items) {
      read += b.remaining();
    }
    if (read > MAX_RESPONSE_BODY) {
      // The status line has answered; an endless body must not keep the socket busy.
      subscription.cancel();
      drained.complete(null);
    }
  }

  @Override
  public void onError(Throwable t) {
    // The status line has answered already; a broken body changes nothing.
    drained.complete(null);
  }

  @Override
  public void onComplete() {
    drained.complete(null);
  }

  @Override
  public CompletionStage<Void> getBody() {
    // Complete at once: send() returns with the headers and the body drains on its own.
    return CompletableFuture.completedFuture(null);
  }

  /**
   * The deadline: cuts the body if the headers are in. Before the headers the request's own
   * timeout (the same length, started a moment earlier) ends the exchange.
   */
  void expire() {
    cut(false);
  }

  /** Closes the attempt's connection, if it has one, and ends it either way (closing). */
  void cancel() {
    cut(true);
  }

  private void cut(boolean evenBeforeHeaders) {
    timedOut = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    if (s != null || evenBeforeHeaders) {
      drained.complete(null);
    }
  }
}
