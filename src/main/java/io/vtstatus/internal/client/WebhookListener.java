package io.vtstatus.internal.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobListener;
import io.vtstatus.ProtocolException;
import io.vtstatus.WebhookOptions;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.internal.Protocol;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.internal.util.ExpiringMap;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.internal.webhook.KeyRing;
import io.vtstatus.internal.webhook.Signatures;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's webhook receiver. Everything that reaches it is untrusted: it answers every
 * request with a definite status, changes no job on a rejected request, and trusts a status
 * only when its Standard Webhooks signature verifies, over the exact bytes received, with any of
 * the keys it trusts ({@link TrustedKeys}: {@code v1} secrets and {@code v1a} public keys, old
 * and new during a rotation). Unsigned posts (the original server sends those) become hints that
 * the client confirms with one poll.
 *
 * <p>It acknowledges before it acts: the 204 (or 202) is written before the event reaches the
 * client, so a caller that closes the client the moment its job ends cannot cut the sender's
 * acknowledgement off; and {@link #stop} lets exchanges in progress finish (bounded) first. A
 * verified delivery is acted on even when its acknowledgement cannot be written: its id is
 * remembered as seen, so the sender's retry would be ignored.
 *
 * <p>Handler threads grow on demand up to {@link #MAX_HANDLERS} and end when idle: the JDK server
 * reads request bodies on them, so each sender that stalls mid-body holds one until the server's
 * request-time limit drops it, and a fixed handful would let a few such senders starve real
 * deliveries.
 */
final class WebhookListener {
  static final int MAX_BODY = 64 * 1024;
  static final int MAX_HANDLERS = 64;
  static final int MAX_QUEUED = 1024;
  static final int MAX_SEEN_IDS = 100_000;
  static final long SEEN_ID_TTL_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final WebhookSink sink;
  private final JobListener listener;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final URI url;
  private final String path;
  private final Clock clock;
  private final String generatedSecret = Signatures.newSecret();
  private final ExpiringMap<String, Boolean> seen =
      new ExpiringMap<>(MAX_SEEN_IDS, SEEN_ID_TTL_NANOS, System::nanoTime);
  private final TrustedKeys keys;
  private final Runnable askForKeys;
  private final Object lock = new Object();
  private int active;
  private boolean closing;

  private WebhookListener(WebhookSink sink, JobListener listener, HttpServer server,
      ThreadPoolExecutor executor, URI url, WebhookOptions o, Clock clock, Runnable askForKeys) {
    this.sink = sink;
    this.listener = listener;
    this.server = server;
    this.executor = executor;
    this.url = url;
    this.path = o.path();
    this.clock = clock;
    this.askForKeys = askForKeys;
    // A generated secret is trusted once registered: nobody can sign with it before.
    this.keys = new TrustedKeys(o.verificationKeys(), o.secret().map(List::of).orElse(List.of()),
        WebhookVerifier.DEFAULT_TOLERANCE.getSeconds());
  }

  /**
   * Binds and starts the listener; its server's threads are daemons.
   *
   * @param askForKeys registers again soon: called when deliveries suggest the sender's keys
   *     changed (the registration answer carries the new ones)
   */
  static WebhookListener start(WebhookSink sink, JobListener listener, WebhookOptions o, Clock clock,
      Runnable askForKeys) throws IOException {
    InetAddress bind = o.bindAddress().orElse(InetAddress.getLoopbackAddress());
    ThreadPoolExecutor ex = Threads.elasticPool("vtstatus-webhook", MAX_HANDLERS, MAX_QUEUED, 10);
    HttpServer s;
    try {
      s = HttpServers.create(new InetSocketAddress(bind, o.port()), ex);
    } catch (IOException | RuntimeException e) {
      ex.shutdownNow();
      throw e;
    }
    WebhookListener l;
    try {
      int port = s.getAddress().getPort();
      URI url = o.publicUrl().orElse(null);
      if (url == null) {
        InetAddress a = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
        // This constructor brackets an IPv6 host and percent-encodes what a path may not hold
        // as it is (WebhookOptions has already refused what cannot be a path at all).
        url = new URI("http", null, a.getHostAddress(), port, o.path(), null, null);
      }
      l = new WebhookListener(sink, listener, s, ex, url, o, clock, askForKeys);
      s.createContext("/", l::handle);
      Threads.startFromDaemon("vtstatus-webhook-start", s::start);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      s.stop(0);
      ex.shutdownNow();
      throw new IOException("cannot start the webhook listener: " + e.getMessage(), e);
    }
    return l;
  }

  /** The URL to register: percent-encoded, so any sender can use it as it is. */
  URI url() {
    return URI.create(url.toASCIIString());
  }

  String generatedSecret() {
    return generatedSecret;
  }

  /** The server's keys, from a registration answer: see {@link TrustedKeys#use}. */
  void useKeys(List<String> serverKeys) {
    keys.use(serverKeys, clock.instant().getEpochSecond());
  }

  /**
   * Stops listening. Exchanges in progress get up to {@code grace} to finish (their senders get
   * their answers); requests arriving meanwhile are answered 503. Then the port and the threads
   * are released.
   */
  void stop(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    synchronized (lock) {
      closing = true;
      while (active > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!interrupted) {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** One request; package-private so a test can hand it an exchange whose answer fails. */
  void handle(HttpExchange ex) {
    boolean refuse;
    synchronized (lock) {
      refuse = closing;
      if (!refuse) {
        active++;
      }
    }
    if (refuse) {
      try (ex) {
        ex.getResponseHeaders().set("Retry-After", "1");
        HttpServers.sendJson(ex, 503, Json.obj().put("error", "client closing").toString());
      } catch (IOException | RuntimeException e) {
        Engine.LOG.log(Level.DEBUG, "webhook request failed", e);
      }
      return;
    }
    try {
      Runnable act = null;
      try (ex) {
        Accepted a;
        try {
          a = process(ex);
        } catch (Rejection r) {
          listener.webhookRejected(r.code, r.getMessage());
          ex.getResponseHeaders().putAll(r.headers);
          HttpServers.sendJson(ex, r.code, Json.obj().put("error", r.getMessage()).toString());
          return;
        }
        // Set before the answer goes out: the id is already marked seen, so a delivery whose
        // acknowledgement is lost (the sender reset) must still be acted on, or its retry with
        // the same id would be ignored and the event lost.
        act = a.act;
        HttpServers.sendEmpty(ex, a.code);
      } catch (IOException | RuntimeException e) {
        // The sender went away or sent something the JDK server choked on; nothing to answer.
        Engine.LOG.log(Level.DEBUG, "webhook request failed", e);
      }
      // Acknowledged first, acted on second: the sender has its answer whatever happens next.
      if (act != null) {
        act.run();
      }
    } finally {
      synchronized (lock) {
        if (--active == 0) {
          lock.notifyAll();
        }
      }
    }
  }

  /** What to answer, and what to do once the answer is sent. */
  private static final class Accepted {
    final int code;
    final Runnable act;

    Accepted(int code, Runnable act) {
      this.code = code;
      this.act = act;
    }
  }

  /** Checks one request: 204 accepted (verified), 202 accepted as a hint, or a {@link Rejection}. */
  private Accepted process(HttpExchange ex) throws IOException, Rejection {
    String p = ex.getRequestURI().getPath();
    if (p == null || !p.equals(path)) {
      throw new Rejection(404, "no webhook here; POST to " + path);
    }
    if (!"POST".equals(ex.getRequestMethod())) {
      Rejection r = new Rejection(405, "method " + ex.getRequestMethod() + " not allowed; use POST");
      r.headers.set("Allow", "POST");
      throw r;
    }
    Headers h = ex.getRequestHeaders();
    String ct = h.getFirst("Content-Type");
    if (ct != null && !ct.toLowerCase(Locale.ROOT).contains("json")) {
      throw new Rejection(415, "Content-Type must be application/json, not " + ct);
    }
    byte[] raw;
    try {
      raw = HttpServers.readBytes(ex, MAX_BODY);
    } catch (HttpServers.BodyTooLargeException e) {
      HttpServers.drain(ex, 1 << 20);
      Rejection r = new Rejection(413, "body over " + MAX_BODY + " bytes");
      r.headers.set("Connection", "close");
      throw r;
    }
    // The signature covers these bytes as sent; the text is only for reading the event.
    String body;
    try {
      body = Json.utf8(raw);
    } catch (JsonException e) {
      throw new Rejection(400, "body is not valid UTF-8: " + e.getMessage());
    }
    String id = h.getFirst("webhook-id");
    String ts = h.getFirst("webhook-timestamp");
    String sig = h.getFirst("webhook-signature");
    boolean unsigned = id == null && ts == null && sig == null;
    boolean trusted = false;
    if (!unsigned) {
      if (id == null || ts == null || sig == null || id.isEmpty() || id.length() > 256) {
        throw new Rejection(400, "webhook-id, webhook-timestamp and webhook-signature go together");
      }
      if (keys.any()) {
        KeyRing.Match m;
        try {
          m = keys.verify(id, ts, sig, raw, clock.instant().getEpochSecond());
        } catch (WebhookVerificationException e) {
          switch (e.reason()) {
            case BAD_SIGNATURE:
              // Forged, or signed with keys we do not have yet (a rotation without overlap):
              // the registration answer tells which. The registrar rate-limits these.
              askForKeys.run();
              throw new Rejection(401, e.getMessage());
            case STALE_TIMESTAMP:
              throw new Rejection(401, e.getMessage());
            default:
              throw new Rejection(400, e.getMessage());
          }
        }
        if (m.unmatched() && keys.askForKeysOnce()) {
          askForKeys.run();
        }
        trusted = true;
      }
    }
    StatusAnswer a;
    try {
      // The body becomes the document of a result this event ends.
      a = StatusAnswer.parse(body, "webhook body").withDocument(body);
    } catch (ProtocolException e) {
      throw new Rejection(400, e.getMessage());
    }
    String job = a.jobId().orElse(Protocol.DEFAULT_JOB);
    if (!Protocol.isJobId(job)) {
      throw new Rejection(400, "invalid job id in webhook body");
    }
    // Only a verified id is remembered: a forger must not be able to burn a real event's id.
    if (trusted && !seen.putIfAbsent(id, Boolean.TRUE)) {
      return new Accepted(204, null);
    }
    boolean verified = trusted;
    Runnable act = a.status().isTerminal() ? () -> sink.accept(job, a, verified) : null;
    return new Accepted(trusted ? 204 : 202, act);
  }

  /** A request we refuse, with the status and message to answer. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;
    final transient Headers headers = new Headers();

    Rejection(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
