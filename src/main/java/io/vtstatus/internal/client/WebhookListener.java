package io.vtstatus.internal.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.JobListener;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.util.StageStamps;
import io.vtstatus.internal.util.Threads;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's own webhook receiver, an HTTP front for {@link WebhookIntake}: it checks path,
 * method, content type and reads the body (bounded), then hands headers and bytes to the intake,
 * the same path a delivery fed through {@code StatusClient.acceptWebhook} takes, and answers
 * what the intake says.
 *
 * <p>It acts, then acknowledges, on the handler thread that read the request: the watch ends
 * before the 204 (or 202) is written, so the detection does not wait for the write, and {@link
 * #stop} lets exchanges in progress finish (bounded) first, so a caller that closes the client
 * the moment its job ends does not cut the sender's acknowledgement off. A verified delivery is
 * acted on even when its acknowledgement cannot be written: its id is remembered as seen, so
 * the sender's retry would be ignored.
 *
 * <p>Handler threads grow on demand up to {@link #MAX_HANDLERS} and end when idle: the JDK server
 * reads request bodies on them, so each sender that stalls mid-body holds one until the server's
 * request-time limit drops it, and a fixed handful would let a few such senders starve real
 * deliveries. Past {@link #SOFT_HANDLERS} a delivery first waits briefly for a free one.
 */
final class WebhookListener {
  static final int MAX_HANDLERS = 64;
  /**
   * Past this many handler threads a delivery waits up to {@link #HANDLER_PATIENCE_NANOS} for
   * one to come free before another starts: a handler acts in well under a millisecond, so a
   * sender's burst (the simulator sends 16 at once) needs no thread each (issue 23: the scale
   * run's client peaked at 33 threads, 16 of them handlers).
   */
  static final int SOFT_HANDLERS = 8;
  static final long HANDLER_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
  static final int MAX_QUEUED = 1024;

  private final JobListener listener;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final URI url;
  private final String path;
  private final Object lock = new Object();
  /** Set once by {@link #start}, before the server answers anything. */
  private volatile WebhookIntake intake;
  private int active;
  private boolean closing;

  private WebhookListener(JobListener listener, HttpServer server, ThreadPoolExecutor executor,
      URI url, WebhookOptions o) {
    this.listener = listener;
    this.server = server;
    this.executor = executor;
    this.url = url;
    this.path = o.path();
  }

  /**
   * Binds the listener's port: its {@link #url()} is known from here on, and nothing is answered
   * until {@link #start}. The server's threads are daemons; {@link #stop} releases them, started
   * or not.
   */
  static WebhookListener bind(JobListener listener, WebhookOptions o) throws IOException {
    InetAddress bind = o.bindAddress().orElse(InetAddress.getLoopbackAddress());
    ThreadPoolExecutor ex = Threads.elasticPool("vtstatus-webhook", MAX_HANDLERS, MAX_QUEUED, 10,
        SOFT_HANDLERS, HANDLER_PATIENCE_NANOS);
    HttpServer s;
    try {
      s = HttpServers.create(new InetSocketAddress(bind, o.port()), ex);
    } catch (IOException | RuntimeException e) {
      ex.shutdownNow();
      throw e;
    }
    try {
      int port = s.getAddress().getPort();
      URI url = o.publicUrl().orElse(null);
      if (url == null) {
        InetAddress a = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
        // This constructor brackets an IPv6 host and percent-encodes what a path may not hold
        // as it is (WebhookOptions has already refused what cannot be a path at all).
        url = new URI("http", null, a.getHostAddress(), port, o.path(), null, null);
      }
      return new WebhookListener(listener, s, ex, url, o);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      s.stop(0);
      ex.shutdownNow();
      throw new IOException("cannot start the webhook listener: " + e.getMessage(), e);
    }
  }

  /**
   * Starts answering, every delivery handed to {@code intake}. Called once; if it throws, the
   * caller still {@link #stop}s the listener.
   */
  void start(WebhookIntake intake) throws IOException {
    this.intake = intake;
    try {
      server.createContext("/", this::handle);
      Threads.startFromDaemon("vtstatus-webhook-start", server::start);
    } catch (RuntimeException e) {
      throw new IOException("cannot start the webhook listener: " + e.getMessage(), e);
    }
  }

  /** The URL to register: percent-encoded, so any sender can use it as it is. */
  URI url() {
    return URI.create(url.toASCIIString());
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
    long received = StageStamps.on() ? System.nanoTime() : 0;
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
      try (ex) {
        WebhookIntake.Verdict a;
        try {
          a = process(ex);
        } catch (Rejection r) {
          if (!r.reported) {
            listener.webhookRejected(r.code, r.getMessage());
          }
          ex.getResponseHeaders().putAll(r.headers);
          HttpServers.sendJson(ex, r.code, Json.obj().put("error", r.getMessage()).toString());
          return;
        }
        StageStamps.at(StageStamps.LISTENER_RECEIVED, a.jobId(), received);
        StageStamps.at(StageStamps.VERIFIED, a.jobId());
        // Acted on first, on this thread, then answered: the watch ends without waiting for the
        // answer's write (issue 23: writing it first cost the detection ~0.5 ms). The id is
        // already marked seen, so the delivery is acted on whether or not its acknowledgement
        // gets out (a retry with the same id is ignored); close() waits (bounded) for this
        // exchange, so a caller that closes the client the moment its job ends does not cut
        // the answer off.
        Runnable act = a.act();
        try {
          if (act != null) {
            act.run();
          }
        } finally {
          HttpServers.sendEmpty(ex, a.code());
          StageStamps.at(StageStamps.ACKNOWLEDGED, a.jobId());
        }
      } catch (IOException | RuntimeException e) {
        // The sender went away or sent something the JDK server choked on; nothing to answer.
        Engine.LOG.log(Level.DEBUG, "webhook request failed", e);
      }
    } finally {
      synchronized (lock) {
        if (--active == 0) {
          lock.notifyAll();
        }
      }
    }
  }

  /** Checks one request, then hands it to the intake: its verdict is the answer. */
  private WebhookIntake.Verdict process(HttpExchange ex) throws IOException, Rejection {
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
      raw = HttpServers.readBytes(ex, intake.maxBody());
    } catch (HttpServers.BodyTooLargeException e) {
      HttpServers.drain(ex, 1 << 20);
      Rejection r = new Rejection(413, "body over " + intake.maxBody() + " bytes");
      r.headers.set("Connection", "close");
      throw r;
    }
    WebhookIntake.Verdict v = intake.check(h, raw);
    if (v.reason() != null) {
      Rejection r = new Rejection(v.code(), v.reason());
      r.reported = true;
      throw r;
    }
    return v;
  }

  /** A request we refuse, with the status and message to answer. */
  private static final class Rejection extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;
    final transient Headers headers = new Headers();
    /** The intake told the listener already. */
    boolean reported;

    Rejection(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
