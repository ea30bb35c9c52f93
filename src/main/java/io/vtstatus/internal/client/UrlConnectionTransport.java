package io.vtstatus.internal.client;

import io.vtstatus.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Transport} for one request or two on the caller's thread, over {@code
 * HttpURLConnection}: it starts in a fraction of the time the JDK's {@code HttpClient} takes
 * (which loads some 300 classes and initialises TLS even for plain http), so a command that asks
 * once whether a job is done answers fast. The whole exchange is still bounded: a daemon timer
 * disconnects it at the call's timeout, which unblocks a read stalled mid-body.
 */
final class UrlConnectionTransport implements Transport {
  private final int maxBody;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "vtstatus-probe-timer");
    t.setDaemon(true);
    return t;
  });

  UrlConnectionTransport(int maxBody) {
    this.maxBody = maxBody;
  }

  @Override
  public CompletableFuture<Reply> send(Call call) {
    CompletableFuture<Reply> result = new CompletableFuture<>();
    try {
      result.complete(exchange(call));
    } catch (IOException | RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  private Reply exchange(Call call) throws IOException {
    int timeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, call.timeout().toMillis()));
    HttpURLConnection c = (HttpURLConnection) call.uri().toURL().openConnection();
    boolean[] cut = new boolean[1];
    ScheduledFuture<?> watchdog = timer.schedule(() -> {
      synchronized (cut) {
        cut[0] = true;
      }
      c.disconnect();
    }, timeoutMs, TimeUnit.MILLISECONDS);
    try {
      c.setConnectTimeout(timeoutMs);
      c.setReadTimeout(timeoutMs);
      c.setInstanceFollowRedirects(false);
      c.setRequestMethod(call.method());
      c.setRequestProperty("User-Agent", HttpTransport.USER_AGENT);
      call.headers().forEach(c::setRequestProperty);
      if (call.body().isPresent()) {
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(call.body().get().length);
        try (OutputStream out = c.getOutputStream()) {
          out.write(call.body().get());
        }
      }
      int status = c.getResponseCode();
      long declared = c.getContentLengthLong();
      if (declared > maxBody) {
        throw new ProtocolException(call.describe() + " answered with a body over " + maxBody + " bytes");
      }
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] body = new byte[0];
      if (in != null) {
        try (in) {
          body = in.readNBytes(maxBody + 1);
        }
      }
      if (body.length > maxBody) {
        throw new ProtocolException(call.describe() + " answered with a body over " + maxBody + " bytes");
      }
      Map<String, List<String>> headers = new HashMap<>();
      c.getHeaderFields().forEach((k, v) -> {
        if (k != null) {
          headers.put(k.toLowerCase(Locale.ROOT), v);
        }
      });
      return new Reply(status, headers, body);
    } catch (SocketTimeoutException e) {
      throw new HttpTimeoutException(call.describe() + ": no complete answer within " + timeoutMs + " ms");
    } catch (IOException e) {
      synchronized (cut) {
        if (cut[0]) {
          throw new HttpTimeoutException(call.describe() + ": no complete answer within " + timeoutMs + " ms");
        }
      }
      throw e;
    } finally {
      watchdog.cancel(false);
      c.disconnect();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
