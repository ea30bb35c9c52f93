package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vtstatus.internal.util.Scheduler;
import io.vtstatus.internal.util.Threads;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exchanges pending when the transport closes fail at once: {@code submit} blocks on one without
 * a bound of its own, and the timer that would have bounded it dies with the client's scheduler.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportCloseTest {

  @Test
  void exchangesPendingAtCloseFailAtOnceEvenThoseQueuedBehindBusyThreads() throws Exception {
    List<Socket> held = new CopyOnWriteArrayList<>();
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(1, Threads.daemon("transport-close-test"));
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      // Accepts and never answers: the one request thread stays busy with the first exchange.
      Thread acceptor = Threads.daemon("transport-close-test-accept").newThread(() -> {
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (java.io.IOException e) {
          // Closed: the test is over.
        }
      });
      acceptor.start();
      HttpTransport t = new HttpTransport(Duration.ofSeconds(10), Scheduler.of(timers), 1024, 1);
      URI uri = URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/jobs");
      Transport.Call call = Transport.Call.get(uri, Duration.ofMinutes(1));
      CompletableFuture<Transport.Reply> running = t.send(call);
      CompletableFuture<Transport.Reply> queued = t.send(call);
      t.close();
      // The queued one never reaches a thread: before the fix, nothing ever completed it.
      ExecutionException e = assertThrows(ExecutionException.class, () -> queued.get(5, TimeUnit.SECONDS));
      assertInstanceOf(RejectedExecutionException.class, e.getCause());
      assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
    } finally {
      timers.shutdownNow();
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
