package io.vtstatus.internal.sim;

import io.vtstatus.internal.http.HttpClients;
import io.vtstatus.internal.util.Threads;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The threads that send webhook attempts: up to {@code max} sender threads, each blocked until
 * an attempt's headers arrive (the delivery thread never starts more). Plain-{@code http}
 * receivers get their attempts on kept-alive sockets ({@link Wire}, one drain thread for bodies
 * still to come); {@code https} ones through the JDK HTTP client, with two I/O threads, which
 * drain the bodies.
 */
final class Senders {
  private final ExecutorService pool;
  private final ExecutorService clientExecutor;
  private volatile HttpClient client;
  /** The client for {@link #awaitTermination} to stop: {@link #close} clears {@code client}. */
  private final HttpClient owned;
  /** Plain-{@code http} attempts, on kept-alive sockets. */
  private final Wire wire;

  Senders(int max, Duration connectTimeout) {
    // The delivery thread never has more than max sends running, so the queue only bridges the
    // moment between a send finishing and its thread going back to the pool.
    this.pool = Threads.elasticPool("vtstatus-sim-webhook-send", max, Integer.MAX_VALUE, 60);
    this.clientExecutor = Executors.newFixedThreadPool(2, Threads.daemon("vtstatus-sim-http-io"));
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(clientExecutor)
            .build();
    this.owned = client;
    this.wire = new Wire(connectTimeout);
  }

  /** Whether attempts may still start. */
  boolean open() {
    return client != null;
  }

  /**
   * Sends {@code a} on a sender thread (where it is signed and built: the delivery thread only
   * keeps count).
   *
   * @throws RejectedExecutionException if closed
   */
  void send(Attempt a) {
    HttpClient c = client;
    if (c == null) {
      throw new RejectedExecutionException("closed");
    }
    pool.execute(() -> a.send(c, wire));
  }

  /** Starts no more attempts; those waiting for headers finish within their timeout. */
  void close() {
    client = null;
    wire.close();
    // An interrupted send() on Java 17 would leave the HTTP client's selector thread running long
    // after close(), so senders are left to finish rather than interrupted.
    pool.shutdown();
  }

  /** Waits until {@code deadline} ({@link System#nanoTime()}) at most, then stops what is left. */
  void awaitTermination(long deadline) throws InterruptedException {
    if (!pool.awaitTermination(Math.min(Math.max(0, deadline - System.nanoTime()),
        TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS)) {
      pool.shutdownNow();
    }
    // From Java 21 this aborts what the interrupted senders still had in flight, and ends the
    // client's selector thread now rather than when the client is collected.
    Thread drainer = wire.drainer();
    if (drainer != null) {
      drainer.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
    HttpClients.shutdownNow(owned);
    clientExecutor.shutdown();
    if (!clientExecutor.awaitTermination(Math.max(0, deadline - System.nanoTime()),
        TimeUnit.NANOSECONDS)) {
      clientExecutor.shutdownNow();
    }
  }
}
