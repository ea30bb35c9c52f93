package io.vtstatus.internal.client;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.ProtocolException;
import io.vtstatus.WebhookOptions;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.internal.webhook.Signatures;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The client's webhook receiver. Everything that reaches it is untrusted: it answers every
 * request with a definite status, changes no job on a rejected request, and trusts a status
 * only when its Standard Webhooks signature verifies. Unsigned posts (the original server sends
 * those) become hints that the engine confirms with one poll.
 */
final class WebhookListener {
  static final int MAX_BODY = 64 * 1024;
  static final int HANDLER_THREADS = 12;

  private final Engine engine;
  private final HttpServer server;
  private final ExecutorService executor;
  private final URI url;
  private final String path;
  private final String generatedSecret = Signatures.newSecret();
  private final SeenIds seen = new SeenIds(100_000, TimeUnit.MINUTES.toNanos(10));

  private WebhookListener(Engine engine, HttpServer server, ExecutorService executor, URI url, String path) {
    this.engine = engine;
    this.server = server;
    this.executor = executor;
    this.url = url;
    this.path = path;
  }

  static WebhookListener start(Engine engine, WebhookOptions o) throws IOException {
    InetAddress bind = o.bindAddress().orElse(InetAddress.getLoopbackAddress());
    // Several threads, so a few stuck senders cannot starve real deliveries until the server's
    // request-time limit (HttpServers.tune) drops them; idle threads end.
    ThreadPoolExecutor ex = new ThreadPoolExecutor(HANDLER_THREADS, HANDLER_THREADS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Threads.daemon("vtstatus-webhook"));
    ex.allowCoreThreadTimeOut(true);
    HttpServer s;
    try {
      s = HttpServers.create(new InetSocketAddress(bind, o.port()), ex);
    } catch (IOException e) {
      ex.shutdownNow();
      throw e;
    }
    int port = s.getAddress().getPort();
    URI url = o.publicUrl().orElseGet(() -> {
      InetAddress a = bind.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bind;
      String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
      return URI.create("http://" + host + ":" + port + o.path());
    });
    WebhookListener l = new WebhookListener(engine, s, ex, url, o.path());
    s.createContext("/", l::handle);
    s.start();
    return l;
  }

  URI url() {
    return url;
  }

  String generatedSecret() {
    return generatedSecret;
  }

  void stop() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange ex) {
    try (ex) {
      int code;
      try {
        code = process(ex);
      } catch (Rejection r) {
        engine.listener().webhookRejected(r.code, r.getMessage());
        ex.getResponseHeaders().putAll(r.headers);
        HttpServers.sendJson(ex, r.code, Json.obj().put("error", r.getMessage()).toString());
        return;
      }
      HttpServers.sendEmpty(ex, code);
    } catch (IOException | RuntimeException e) {
      // The sender went away or sent something the JDK server choked on; nothing to answer.
      Engine.LOG.log(Level.DEBUG, "webhook request failed", e);
    }
  }

  /** Returns the status to answer: 204 accepted (verified), 202 accepted as a hint. */
  private int process(HttpExchange ex) throws IOException, Rejection {
    if (!ex.getRequestURI().getRawPath().equals(path)) {
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
    String body;
    try {
      body = HttpServers.readBody(ex, MAX_BODY);
    } catch (HttpServers.BodyTooLargeException e) {
      HttpServers.drain(ex, 1 << 20);
      Rejection r = new Rejection(413, "body over " + MAX_BODY + " bytes");
      r.headers.set("Connection", "close");
      throw r;
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
      Optional<WebhookVerifier> v = engine.verifier();
      if (v.isPresent()) {
        try {
          v.get().verify(id, ts, sig, body);
        } catch (WebhookVerificationException e) {
          switch (e.reason()) {
            case STALE_TIMESTAMP:
            case BAD_SIGNATURE:
              throw new Rejection(401, e.getMessage());
            default:
              throw new Rejection(400, e.getMessage());
          }
        }
        trusted = true;
      }
    }
    StatusAnswer a;
    try {
      a = StatusAnswer.parse(body, "webhook body");
    } catch (ProtocolException e) {
      throw new Rejection(400, e.getMessage());
    }
    String job = a.jobId().orElse(Engine.DEFAULT_JOB);
    if (!Engine.JOB_ID.matcher(job).matches()) {
      throw new Rejection(400, "invalid job id in webhook body");
    }
    // Only a verified id is remembered: a forger must not be able to burn a real event's id.
    if (trusted && !seen.add(id)) {
      return 204;
    }
    if (a.status().isTerminal()) {
      engine.onWebhook(job, a, trusted);
    }
    return trusted ? 204 : 202;
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

  /** Verified webhook ids seen lately (idempotency), bounded in count and age. */
  static final class SeenIds {
    private final int capacity;
    private final long ttlNanos;
    private final LinkedHashMap<String, Long> map = new LinkedHashMap<>();

    SeenIds(int capacity, long ttlNanos) {
      this.capacity = capacity;
      this.ttlNanos = ttlNanos;
    }

    /** True if {@code id} is new (and now remembered). */
    synchronized boolean add(String id) {
      long now = System.nanoTime();
      Long exp = map.get(id);
      if (exp != null && exp - now > 0) {
        return false;
      }
      map.remove(id);
      map.put(id, now + ttlNanos);
      while (map.size() > capacity) {
        map.remove(map.keySet().iterator().next());
      }
      // Expired entries at the head go too; the map is in insertion (hence expiry) order.
      while (!map.isEmpty()) {
        Map.Entry<String, Long> e = map.entrySet().iterator().next();
        if (e.getValue() - now > 0) {
          break;
        }
        map.remove(e.getKey());
      }
      return true;
    }
  }
}
