package io.vtstatus.internal.client;

import io.vtstatus.ProtocolException;
import io.vtstatus.internal.http.HttpClients;
import io.vtstatus.internal.util.Scheduler;
import io.vtstatus.internal.util.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link Transport} over the JDK's {@code HttpClient}. Three rules the JDK does not give us:
 *
 * <ul>
 *   <li>The whole exchange is bounded. {@code HttpRequest.timeout} stops applying once the
 *       headers arrive, so a server that stalls its body would hold the exchange for good; our
 *       own timer interrupts the exchange at the call's timeout, and the JDK (16+) aborts an
 *       interrupted {@code send} and closes its connection.
 *   <li>The body is bounded: over {@code maxBody} bytes, the exchange is aborted and the call
 *       fails with a {@link ProtocolException} without reading the rest.
 *   <li>Threads are bounded. Each exchange is a blocking {@code send} on a pool of ours (at
 *       most {@code maxThreads}, idle ones end), not {@code sendAsync}: on Java 17 and 25
 *       {@code sendAsync} hands every response to {@code CompletableFuture}'s default pool,
 *       which on two CPUs starts a thread per response whatever executor the client has.
 *   <li>Except a held call (a long poll the server is expected to hold for up to its wait):
 *       that one goes out with {@code sendAsync} and holds no thread of ours while the server
 *       holds it, so thousands can wait at once. Its body is bounded the same way, its whole
 *       exchange by our timer, which cancels the JDK's future (aborting the exchange and closing
 *       its connection, JDK 16+). The price is the JDK's hop above: one short-lived thread per
 *       held answer on two CPUs, which does nothing but complete the JDK's future; the reply
 *       itself reaches the caller on our pool.
 * </ul>
 */
final class HttpTransport implements Transport {
  static final String USER_AGENT = "vtstatus/0.1.0";
  /** The JDK computes deadlines in nanoseconds; a century would overflow them. */
  static final Duration MAX_TIMEOUT = Duration.ofDays(1);

  private final Scheduler scheduler;
  private final int maxBody;
  private final ThreadPoolExecutor pool;
  /** Exchanges not yet over: {@link #close()} fails them, so no caller waits for good. */
  private final Set<Exchange> open = ConcurrentHashMap.newKeySet();
  private volatile HttpClient http;

  HttpTransport(Duration connectTimeout, Scheduler scheduler, int maxBody, int maxThreads) {
    this.scheduler = scheduler;
    this.maxBody = maxBody;
    this.pool = new ThreadPoolExecutor(maxThreads, maxThreads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Threads.daemon("vtstatus-http"));
    this.pool.allowCoreThreadTimeOut(true);
    // The client's own work (the selector hands reads and writes to it) runs on our threads:
    // its default is an unbounded cached pool.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(cap(connectTimeout))
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(Executors.newFixedThreadPool(2, Threads.daemon("vtstatus-http-io")))
        .build();
  }

  private static Duration cap(Duration d) {
    return d.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : d;
  }

  @Override
  public CompletableFuture<Reply> send(Call call) {
    Exchange x = new Exchange(call, cap(call.timeout()));
    HttpClient c = http;
    if (c == null) {
      x.result.completeExceptionally(new RejectedExecutionException("client closed"));
      return x.result;
    }
    open.add(x);
    x.result.whenComplete((r, e) -> open.remove(x));
    if (http == null) {
      // Closed meanwhile: close() may have missed this exchange.
      x.result.completeExceptionally(new RejectedExecutionException("client closed"));
      return x.result;
    }
    try {
      x.timer = scheduler.schedule(x::timedOut, x.timeout.toNanos());
      if (call.held()) {
        x.sendAsync(c);
      } else {
        pool.execute(() -> x.run(c));
      }
    } catch (RejectedExecutionException e) {
      x.result.completeExceptionally(e);
      if (x.timer != null) {
        x.timer.cancel();
      }
      return x.result;
    }
    // The caller gave up (its watch ended): abort the exchange so its connection is freed now.
    x.result.whenComplete((r, e) -> {
      if (x.result.isCancelled()) {
        x.abort();
      }
    });
    return x.result;
  }

  /**
   * One exchange: on one pool thread, which its timer or its caller may interrupt; or, for a
   * held call, sent with {@code sendAsync} and no thread of ours while it waits, which its timer
   * or its caller aborts by cancelling the JDK's future.
   */
  private final class Exchange {
    final Call call;
    final Duration timeout;
    final CompletableFuture<Reply> result = new CompletableFuture<>();
    volatile Scheduler.Cancellable timer;
    private Thread runner;
    private boolean over;
    /** A held call's exchange in the JDK's client, once sent. */
    private CompletableFuture<?> async;

    Exchange(Call call, Duration timeout) {
      this.call = call;
      this.timeout = timeout;
    }

    private HttpRequest request() {
      HttpRequest.Builder b = HttpRequest.newBuilder(call.uri())
          .timeout(timeout)
          .header("User-Agent", USER_AGENT);
      call.headers().forEach(b::header);
      b.method(call.method(), call.body().isPresent()
          ? HttpRequest.BodyPublishers.ofByteArray(call.body().get())
          : HttpRequest.BodyPublishers.noBody());
      return b.build();
    }

    /**
     * Sends a held call without a thread of ours. The reply is taken from the body subscriber
     * (on the client's two I/O threads) and handed to the pool, so what the caller chains on it
     * runs where a pooled exchange's would, and a slow listener never stalls the client's I/O;
     * the JDK's own future (whose completion it hands to {@code CompletableFuture}'s default
     * pool) is only listened to for failures, and cancelled to abort.
     */
    void sendAsync(HttpClient c) {
      CompletableFuture<HttpResponse<byte[]>> f;
      try {
        f = c.sendAsync(request(), info -> {
          BoundedBody body = new BoundedBody(info, maxBody, call);
          Map<String, List<String>> headers = lowerCase(info.headers().map());
          int status = info.statusCode();
          // A body refused or broken fails the JDK's future too, which is listened to below.
          body.body.thenAccept(bytes -> deliver(() -> result.complete(new Reply(status, headers, bytes))));
          return body;
        });
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      synchronized (this) {
        async = f;
      }
      f.whenComplete((r, e) -> {
        if (e != null) {
          fail(e);
        }
      });
      if (result.isDone()) {
        // Timed out, cancelled or closed before the exchange was known here.
        f.cancel(true);
      }
    }

    private void fail(Throwable e) {
      Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
          ? e.getCause() : e;
      Throwable why = t instanceof IOException ? ours((IOException) t, call) : t;
      deliver(() -> result.completeExceptionally(why));
    }

    /** Completes the result on the pool; with the pool gone (closing), here. */
    private void deliver(Runnable completion) {
      Scheduler.Cancellable t = timer;
      if (t != null) {
        t.cancel();
      }
      if (result.isDone()) {
        return;
      }
      try {
        pool.execute(completion);
      } catch (RejectedExecutionException closing) {
        result.completeExceptionally(closing);
      }
    }

    void run(HttpClient c) {
      synchronized (this) {
        if (result.isDone()) {
          return;
        }
        runner = Thread.currentThread();
      }
      try {
        HttpResponse<byte[]> resp = c.send(request(), info -> new BoundedBody(info, maxBody, call));
        result.complete(new Reply(resp.statusCode(), lowerCase(resp.headers().map()), resp.body()));
      } catch (InterruptedException e) {
        // Aborted by the timer or the caller, who completed the result already.
        result.completeExceptionally(new HttpTimeoutException(call.describe() + ": aborted"));
      } catch (IOException e) {
        result.completeExceptionally(ours(e, call));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      } finally {
        synchronized (this) {
          runner = null;
          over = true;
        }
        // An interrupt aimed at this exchange must not reach the pool's next task.
        Thread.interrupted();
        Scheduler.Cancellable t = timer;
        if (t != null) {
          t.cancel();
        }
      }
    }

    void timedOut() {
      if (result.completeExceptionally(new HttpTimeoutException(call.describe()
          + ": no complete answer within " + timeout.toMillis() + " ms"))) {
        abort();
      }
    }

    synchronized void abort() {
      if (async != null) {
        // JDK 16+: cancelling the future of sendAsync aborts the exchange and its connection.
        async.cancel(true);
      } else if (runner != null && !over) {
        runner.interrupt();
      }
    }
  }

  /**
   * {@code send} wraps our body subscriber's {@link ProtocolException}; unwrap it. A failure the
   * JDK left without a message (its {@code ConnectException} on Java 17) gets one naming the
   * call, so that logs and the CLI never say "null"; its type stays.
   */
  static IOException ours(IOException e, Transport.Call call) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProtocolException) {
        return (ProtocolException) t;
      }
    }
    if (e.getMessage() != null) {
      return e;
    }
    IOException named = e instanceof java.net.ConnectException
        ? new java.net.ConnectException(call.describe() + ": cannot connect")
        : new IOException(call.describe() + ": " + e.getClass().getSimpleName());
    named.initCause(e);
    return named;
  }

  private static Map<String, List<String>> lowerCase(Map<String, List<String>> h) {
    Map<String, List<String>> m = new HashMap<>();
    h.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
    return m;
  }

  @Override
  public void close() {
    HttpClient c = http;
    http = null;
    pool.shutdownNow();
    // An exchange queued behind busy threads never runs now, and its timer's scheduler may be
    // gone too: its caller (a blocking submit) would wait for good. Fail every one still open.
    for (Exchange x : open) {
      if (x.result.completeExceptionally(new RejectedExecutionException("client closed"))) {
        x.abort();
      }
    }
    if (c != null) {
      // On 17 the selector ends once the client is unreachable: the field above was its last
      // reference.
      HttpClients.shutdownNow(c);
      c.executor().ifPresent(ex -> ((ExecutorService) ex).shutdownNow());
    }
  }

  /** Collects a body up to {@code limit} bytes, and refuses a larger one without reading it all. */
  private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final int limit;
    private final Call call;
    private final long declared;
    private Flow.Subscription subscription;

    BoundedBody(HttpResponse.ResponseInfo info, int limit, Call call) {
      this.limit = limit;
      this.call = call;
      this.declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    }

    private ProtocolException tooLarge() {
      return new ProtocolException(call.describe() + " answered with a body over " + limit + " bytes");
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declared > limit) {
        s.cancel();
        body.completeExceptionally(tooLarge());
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (body.isDone()) {
        return;
      }
      for (ByteBuffer b : items) {
        if (buf.size() + b.remaining() > limit) {
          subscription.cancel();
          body.completeExceptionally(tooLarge());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        buf.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable t) {
      body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      body.complete(buf.toByteArray());
    }
  }
}
