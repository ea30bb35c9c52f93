package io.vtstatus.internal.sim;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.vtstatus.internal.http.HttpServers;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import io.vtstatus.simulator.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Each HTTP exchange from bytes in to bytes out: the body bounded and decoded as strict UTF-8,
 * the {@link Routes} asked for the answer, the request recorded, and the answer written, after
 * the configured latency, without holding a thread while it waits.
 */
final class Exchanges {
  static final int MAX_BODY = 64 * 1024;
  static final long MAX_DRAIN = 1 << 20;
  /** Recorded requests kept, by count and by estimated bytes, whichever bound comes first. */
  static final int MAX_RECORDS = 10_000;
  static final long MAX_RECORD_BYTES = 4L << 20;
  private static final System.Logger LOGGER = System.getLogger(Simulator.class.getName());

  private final Config cfg;
  private final Rand rand;
  private final Routes routes;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService httpExecutor;
  private final Consumer<String> log;
  private final Holds holds;
  private final Recorder<RecordedRequest> requests =
      new Recorder<>(MAX_RECORDS, MAX_RECORD_BYTES, Exchanges::size);
  private final AtomicLong requestCount = new AtomicLong();

  Exchanges(Config cfg, Rand rand, Routes routes, ScheduledExecutorService scheduler,
      ExecutorService httpExecutor, Holds holds, Consumer<String> log) {
    this.cfg = cfg;
    this.rand = rand;
    this.routes = routes;
    this.scheduler = scheduler;
    this.httpExecutor = httpExecutor;
    this.log = log;
    this.holds = holds;
  }

  /** Every request received so far, good or bad. */
  long requestCount() {
    return requestCount.get();
  }

  /** The oldest recorded request not yet taken, waiting up to {@code timeout}. */
  Optional<RecordedRequest> takeRequest(Duration timeout) throws InterruptedException {
    return requests.take(timeout);
  }

  /** Handles one exchange on a pool thread; the answer may be written later (latency). */
  void handle(HttpExchange ex) {
    requestCount.incrementAndGet();
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    String query = Optional.ofNullable(ex.getRequestURI().getRawQuery()).orElse("");
    String body = "";
    Response response;
    try {
      byte[] raw = HttpServers.readBytes(ex, MAX_BODY);
      // Recorded as sent (bad bytes shown as U+FFFD), but only valid UTF-8 is routed.
      body = new String(raw, StandardCharsets.UTF_8);
      String text;
      try {
        text = Json.utf8(raw);
      } catch (JsonException e) {
        throw new BadRequest(400, "request body: " + e.getMessage());
      }
      response = routes.route(method, path, query, ex.getRequestHeaders(), text);
    } catch (HttpServers.BodyTooLargeException e) {
      HttpServers.drain(ex, MAX_DRAIN);
      response = Response.error(413, "request body over " + MAX_BODY + " bytes")
          .with("Connection", "close");
    } catch (BadRequest e) {
      response = e.response();
    } catch (IOException e) {
      response = Response.error(400, "could not read request: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours must not become a 500 the client can provoke; it is logged loudly.
      LOGGER.log(System.Logger.Level.WARNING, "simulator failed on " + method + " " + path, e);
      log.accept("internal error on " + method + " " + path + ": " + e);
      response = Response.error(400, "request not understood");
    }
    requests.add(record(method, path, query, ex.getRequestHeaders(), body));
    respond(ex, response);
  }

  /** A record of the request within {@link RecordedRequest}'s bounds. */
  static RecordedRequest record(String method, String path, String query, Headers h, String body) {
    boolean[] cut = {false};
    Map<String, List<String>> headers = new LinkedHashMap<>();
    int left = RecordedRequest.MAX_HEADER_CHARS;
    for (Map.Entry<String, List<String>> e : h.entrySet()) {
      List<String> kept = new ArrayList<>();
      left -= e.getKey().length();
      for (String v : e.getValue()) {
        if (left < 0 || v.length() > left) {
          cut[0] = true;
          break;
        }
        left -= v.length();
        kept.add(v);
      }
      if (left < 0) {
        cut[0] = true;
        break;
      }
      headers.put(e.getKey(), List.copyOf(kept));
    }
    return new RecordedRequest(method, cut(path, RecordedRequest.MAX_TARGET_CHARS, cut),
        cut(query, RecordedRequest.MAX_TARGET_CHARS, cut), headers,
        cut(body, RecordedRequest.MAX_BODY_CHARS, cut), cut[0]);
  }

  private static String cut(String s, int max, boolean[] cut) {
    if (s.length() <= max) {
      return s;
    }
    cut[0] = true;
    // Never split a surrogate pair.
    int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    return s.substring(0, end);
  }

  /** A record's estimated heap footprint: two bytes a character plus the objects around them. */
  static long size(RecordedRequest r) {
    long chars = r.method().length() + r.path().length() + r.query().length() + r.body().length();
    for (Map.Entry<String, List<String>> e : r.headers().entrySet()) {
      chars += e.getKey().length();
      for (String v : e.getValue()) {
        chars += v.length() + 24;
      }
    }
    return 256 + 2 * chars;
  }

  private void respond(HttpExchange ex, Response r) {
    if (r.hold().isPresent()) {
      holds.park(ex, r.hold().get(), answer -> respond(ex, answer));
      return;
    }
    Duration delay = cfg.latencyMax().isZero() ? Duration.ZERO
        : rand.between(cfg.latencyMin(), cfg.latencyMax());
    if (delay.isZero()) {
      write(ex, r);
      return;
    }
    // The scheduler only hands the write back to the pool: it never does I/O itself.
    try {
      scheduler.schedule(() -> {
        try {
          httpExecutor.execute(() -> write(ex, r));
        } catch (RejectedExecutionException closing) {
          ex.close();
        }
      }, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      ex.close();
    }
  }

  private static void write(HttpExchange ex, Response r) {
    try {
      r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      if (r.body() == null) {
        HttpServers.sendEmpty(ex, r.code());
      } else {
        HttpServers.sendJson(ex, r.code(), r.body());
      }
    } catch (IOException clientGone) {
      ex.close();
    }
  }
}
