package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.StageStamps;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
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
 * <p>Plain-{@code http} receivers are sent to by {@link Wire} instead (kept-alive sockets, no
 * thread hand-offs); the rest of this class then serves {@code https} ones.
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
  /** The channel of an attempt sent by {@link Wire}, while in use; guarded by this. */
  private SocketChannel socket;
  /** Whether a {@link Wire} attempt has reported its headers (or their absence); guarded by this. */
  private boolean headersReported;
  private final long startNanos = System.nanoTime();
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
  void send(HttpClient c, Wire wire) {
    Lane.Event ev = pending.event;
    StageStamps.at(StageStamps.SENDER_PICKED_UP, ev.jobId());
    HttpResponse<Void> response;
    try {
      Instant now = clock.instant();
      long timestamp = now.getEpochSecond();
      byte[] body = ev.body().getBytes(StandardCharsets.UTF_8);
      List<String[]> headers = new ArrayList<>(4);
      headers.add(new String[] {"Content-Type", "application/json"});
      StandIn.WebhookAuth auth = standIn.map(StandIn::webhookAuth)
          .orElse(StandIn.WebhookAuth.STANDARD_WEBHOOKS);
      if (auth == StandIn.WebhookAuth.STANDARD_WEBHOOKS) {
        headers.add(new String[] {"webhook-id", ev.eventId()});
        headers.add(new String[] {"webhook-timestamp", Long.toString(timestamp)});
        headers.add(new String[] {"webhook-signature",
            ev.reg().keys().sign(ev.eventId(), timestamp, body, now)});
      } else if (auth == StandIn.WebhookAuth.SHARED_HEADER) {
        standIn.get().webhookHeader().ifPresent(h -> headers.add(new String[] {h[0], h[1]}));
      }
      byte[] plain = plainRequest(ev.reg().url, headers, body);
      if (plain != null) {
        StageStamps.at(StageStamps.REQUEST_SENT, ev.jobId());
        sendPlain(wire, ev.reg().url, plain);
        return;
      }
      HttpRequest.Builder request =
          HttpRequest.newBuilder(ev.reg().url)
              .timeout(timeout)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      for (String[] h : headers) {
        request.header(h[0], h[1]);
      }
      HttpRequest built = request.build();
      StageStamps.at(StageStamps.REQUEST_SENT, ev.jobId());
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

  /**
   * On a sender thread: the attempt over a kept-alive socket ({@link Wire}). The deadline (or
   * closing) closes the socket, which ends a read in progress.
   */
  private void sendPlain(Wire wire, URI url, byte[] request) {
    boolean over;
    try {
      over = wire.send(url, request, startNanos + timeout.toNanos(), new Wire.Exchange() {
        @Override
        public void using(SocketChannel ch) {
          synchronized (Attempt.this) {
            socket = ch;
            if (timedOut) {
              Wire.close(ch);
            }
          }
        }

        @Override
        public void headersIn(int code) {
          status = code;
          plainHeadersIn();
        }

        @Override
        public boolean release() {
          synchronized (Attempt.this) {
            socket = null;
            return !timedOut;
          }
        }

        @Override
        public void drained() {
          finish(Optional.empty(), null);
        }
      });
    } catch (IOException | RuntimeException e) {
      plainHeadersIn();
      finish(Optional.empty(), status != 0 ? null : e);
      return;
    }
    if (over) {
      finish(Optional.empty(), null);
    }
  }

  /** The sender thread is free: reported once. */
  private void plainHeadersIn() {
    synchronized (this) {
      if (headersReported) {
        return;
      }
      headersReported = true;
    }
    events.headersIn(this);
  }

  /** Headers the wire writes itself or that change the exchange: the JDK client refuses them. */
  private static final Set<String> WIRE_OWN = Set.of("host", "content-length", "connection",
      "transfer-encoding", "expect", "upgrade", "te", "trailer", "keep-alive");

  /**
   * The request line and headers for {@link Wire}, or null when the URL is not one it sends
   * (not {@code http}, user info) or a header value could not go on the wire as it is: then the
   * JDK client sends it (and refuses what it refuses).
   */
  static byte[] plainRequest(URI url, List<String[]> headers, byte[] body) {
    if (!"http".equalsIgnoreCase(url.getScheme()) || url.getRawUserInfo() != null
        || url.getHost() == null || url.getRawAuthority() == null) {
      return null;
    }
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    StringBuilder b = new StringBuilder(256).append("POST ").append(path);
    if (url.getRawQuery() != null) {
      b.append('?').append(url.getRawQuery());
    }
    b.append(" HTTP/1.1\r\nHost: ").append(url.getRawAuthority()).append("\r\n");
    for (String[] h : headers) {
      if (!token(h[0]) || !fieldValue(h[1]) || WIRE_OWN.contains(h[0].toLowerCase(Locale.ROOT))) {
        return null;
      }
      b.append(h[0]).append(": ").append(h[1]).append("\r\n");
    }
    b.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  private static boolean token(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean fieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < ' ' && c != '\t' || c >= 127) {
        return false;
      }
    }
    return true;
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
    boolean plainBody;
    synchronized (this) {
      timedOut = true;
      SocketChannel plain = socket;
      if (plain != null) {
        Wire.close(plain);
      }
      // A Wire attempt whose headers are in and whose body was draining ends now.
      plainBody = headersReported && status != 0;
    }
    if (plainBody) {
      finish(Optional.empty(), null);
    }
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    if (s != null || evenBeforeHeaders) {
      drained.complete(null);
    }
  }
}
