package io.vtstatus.internal.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;

/**
 * The settings every {@link HttpServer} of ours needs. On Java 17 the stock server answers each
 * response ~40 ms late (Nagle + delayed ACK) unless {@code sun.net.httpserver.nodelay} is set
 * before the first server is created; the property is read once per JVM, so we set it only when
 * the user has not chosen.
 */
public final class HttpServers {
  public static final int BACKLOG = 1024;
  private static final System.Logger LOG = System.getLogger(HttpServers.class.getName());

  /**
   * The JVM-wide {@code com.sun.net.httpserver} properties {@link #tune} sets when unset, with
   * why. They apply to every {@code HttpServer} in the JVM, a user's own included, and the JDK
   * reads them once, when its first server class loads: a user who wants other values sets them
   * first (on the command line or before any server starts) and we leave them alone.
   */
  static final String[][] DEFAULTS = {
    // Without it each response waits ~40 ms for Nagle + delayed ACK (measured on Java 17).
    {"sun.net.httpserver.nodelay", "true"},
    // The JDK keeps 200 idle keep-alive connections; our load tests use up to 500 clients.
    {"sun.net.httpserver.maxIdleConnections", "1000"},
    // A sender that never finishes its headers or body would hold a handler thread for good;
    // with this the server drops such connections after 10 s (the JDK default is never).
    {"sun.net.httpserver.maxReqTime", "10"},
  };

  private HttpServers() {}

  /**
   * Sets our JVM-wide server defaults ({@link #DEFAULTS}) where the user has not set them, logging
   * each one it sets once at DEBUG. Idempotent.
   */
  public static void tune() {
    for (String[] d : DEFAULTS) {
      setIfUnset(d[0], d[1]);
    }
  }

  private static void setIfUnset(String key, String value) {
    // Checked and set under one lock, so two servers starting at once log each property once.
    synchronized (HttpServers.class) {
      if (System.getProperty(key) != null) {
        return;
      }
      System.setProperty(key, value);
    }
    LOG.log(System.Logger.Level.DEBUG,
        "set JVM-wide system property {0}={1} (set it yourself before the first HttpServer starts "
            + "to keep your own value)", key, value);
  }

  /** A bound, not yet started server using {@code executor} for exchanges. */
  public static HttpServer create(InetSocketAddress address, ExecutorService executor)
      throws IOException {
    tune();
    HttpServer server = HttpServer.create(address, BACKLOG);
    server.setExecutor(executor);
    return server;
  }

  /** Thrown by {@link #readBody} when the body is larger than allowed. */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
      super("request body over " + limit + " bytes");
    }
  }

  /**
   * Reads the body as strict UTF-8 ({@link Json#utf8}), refusing more than {@code limit} bytes
   * without reading them all.
   *
   * @throws BodyTooLargeException over {@code limit} bytes
   * @throws JsonException if the body is not valid UTF-8 (the sender gets a 400)
   */
  public static String readBody(HttpExchange ex, int limit) throws IOException {
    return Json.utf8(readBytes(ex, limit));
  }

  /** Reads the raw body, refusing more than {@code limit} bytes without reading them all. */
  public static byte[] readBytes(HttpExchange ex, int limit) throws IOException {
    String cl = ex.getRequestHeaders().getFirst("Content-Length");
    if (cl != null) {
      try {
        if (Long.parseLong(cl.trim()) > limit) {
          throw new BodyTooLargeException(limit);
        }
      } catch (NumberFormatException e) {
        throw new IOException("bad Content-Length");
      }
    }
    InputStream in = ex.getRequestBody();
    // Most requests (every GET) have no body: find that out before allocating an 8 KB buffer.
    int first = in.read();
    if (first < 0) {
      return NO_BYTES;
    }
    if (limit < 1) {
      throw new BodyTooLargeException(limit);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(first);
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > limit) {
        throw new BodyTooLargeException(limit);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static final byte[] NO_BYTES = new byte[0];

  /**
   * Reads and discards what is left of a refused body, up to {@code max} bytes: answering while
   * the client is still sending resets the connection, and the client never sees our 413.
   */
  public static void drain(HttpExchange ex, long max) {
    byte[] buf = new byte[8192];
    long left = max;
    try {
      InputStream in = ex.getRequestBody();
      int n;
      while (left > 0 && (n = in.read(buf)) > 0) {
        left -= n;
      }
    } catch (IOException ignored) {
      // The client went away; the answer will fail to send, which is fine.
    }
  }

  /** Sends a JSON body with status {@code code} and closes the exchange. */
  public static void sendJson(HttpExchange ex, int code, String json) throws IOException {
    sendJson(ex, code, json.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends UTF-8 JSON {@code b} (only read) with status {@code code}; closes the exchange. */
  public static void sendJson(HttpExchange ex, int code, byte[] b) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  /** Sends an empty response (e.g. 204) and closes the exchange. */
  public static void sendEmpty(HttpExchange ex, int code) throws IOException {
    ex.sendResponseHeaders(code, -1);
    ex.close();
  }
}
