package io.vtstatus.simulator;

import com.sun.net.httpserver.HttpServer;
import io.vtstatus.internal.util.Threads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A webhook receiver for tests: records every POST, answers with the queued status codes (then
 * 200), and can hold requests unanswered until {@link #release()}.
 */
final class Receiver implements AutoCloseable {
  /** One received webhook. */
  record Received(Map<String, List<String>> headers, String body) {
    String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4, Threads.daemon("test-receiver"));
  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<Integer> codes = new LinkedBlockingQueue<>();
  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;

  Receiver(Integer... codes) {
    this.codes.addAll(List.of(codes));
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(Map.copyOf(ex.getRequestHeaders()), body));
      if (hang) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      Integer code = this.codes.poll();
      ex.sendResponseHeaders(code == null ? 200 : code, -1);
      ex.close();
    });
    server.start();
  }

  /** A receiver that accepts each request and never answers until released. */
  static Receiver hanging() {
    Receiver r = new Receiver();
    r.hang = true;
    return r;
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/webhook");
  }

  Received take(Duration timeout) throws InterruptedException {
    Received r = received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (r == null) {
      throw new AssertionError("no webhook within " + timeout);
    }
    return r;
  }

  boolean awaitEntered(Duration timeout) throws InterruptedException {
    return entered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  void release() {
    release.countDown();
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
