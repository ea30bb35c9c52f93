package io.vtstatus.testing;

import io.vtstatus.internal.util.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An HTTP/1.1 server on raw sockets for tests that need answers no well-behaved server gives: a
 * scripted status, body or header, an oversized body, or a connection closed without an answer.
 * One request per connection ({@code Connection: close}); every request is recorded.
 */
public final class RawHttpServer implements AutoCloseable {
  /** One request as received; header names in lower case. */
  public record Request(String method, String target, Map<String, String> headers, String body) {
    /** The path without the query. */
    public String path() {
      int q = target.indexOf('?');
      return q < 0 ? target : target.substring(0, q);
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final ServerSocket socket;
  private final ExecutorService pool = Executors.newCachedThreadPool(Threads.daemon("test-raw-http"));
  private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final Function<Request, Optional<byte[]>> handler;

  /**
   * Serves {@code handler}'s answer to each request: the raw bytes to send, or empty to close the
   * connection without answering.
   */
  public RawHttpServer(Function<Request, Optional<byte[]>> handler) {
    this.handler = handler;
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pool.execute(this::acceptLoop);
  }

  /** A complete response with {@code Connection: close}; {@code headers} are name, value pairs. */
  public static Optional<byte[]> answer(int code, String contentType, byte[] body, String... headers) {
    StringBuilder b = new StringBuilder("HTTP/1.1 ").append(code).append(" X\r\n")
        .append("Content-Type: ").append(contentType).append("\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n")
        .append("Connection: close\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      b.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    byte[] head = b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return Optional.of(all);
  }

  /** A JSON response. */
  public static Optional<byte[]> json(int code, String body, String... headers) {
    return answer(code, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  /** The oldest request not yet taken, waiting up to {@code timeout}. */
  public Optional<Request> take(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(requests.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Takes requests until one for {@code path} (without query), waiting up to {@code timeout}. */
  public Request takeFor(String path, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Request r = requests.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (r == null) {
        throw new AssertionError("no request for " + path + " within " + timeout);
      }
      if (r.path().equals(path)) {
        return r;
      }
    }
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException closed) {
        return;
      }
      try {
        pool.execute(() -> serve(s));
      } catch (RuntimeException closing) {
        closeQuietly(s);
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] first = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).trim());
        }
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
      Request r = new Request(first[0], first[1], Map.copyOf(headers), body);
      // Recorded once the answer is decided: a test that takes the request may change what the
      // next one gets without racing this one's.
      Optional<byte[]> out = handler.apply(r);
      requests.add(r);
      if (out.isPresent()) {
        OutputStream o = s.getOutputStream();
        o.write(out.get());
        o.flush();
        s.shutdownOutput();
        // Let the client read to the end before the socket closes under it.
        in.readAllBytes();
      }
    } catch (IOException | RuntimeException e) {
      // The client went away or sent something we do not parse: nothing to answer.
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the request head");
      }
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
          ? state + 1 : (c == '\r' ? 1 : 0);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    pool.shutdownNow();
  }
}
