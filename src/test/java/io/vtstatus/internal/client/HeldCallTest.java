package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.ProtocolException;
import io.vtstatus.internal.util.Scheduler;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.testing.Closer;
import io.vtstatus.testing.HostileServer;
import io.vtstatus.testing.ThreadLeaks;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A held call ({@code sendAsync}, no pool thread) keeps every promise of a pooled exchange:
 * bounded in total time against servers that stall after the headers, trickle or never answer,
 * bounded in body size, aborted with its connection when cancelled or closed, and it leaves no
 * thread behind. And it holds no thread of the pool while it waits.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HeldCallTest {
  @RegisterExtension final Closer closer = new Closer();

  private ScheduledThreadPoolExecutor timers;
  private ThreadLeaks leaks;

  @BeforeEach
  void start() {
    leaks = ThreadLeaks.snapshot();
    timers = new ScheduledThreadPoolExecutor(1, Threads.daemon("test-held-timer"));
    // A cancelled timer leaves the queue: the tests see which timers are still armed.
    timers.setRemoveOnCancelPolicy(true);
  }

  @AfterEach
  void stop() {
    timers.shutdownNow();
  }

  private HttpTransport transport(int maxBody, int maxThreads) {
    return new HttpTransport(Duration.ofSeconds(5), Scheduler.of(timers), maxBody, maxThreads);
  }

  private static Transport.Call held(URI server, Duration timeout) {
    return Transport.Call.get(server.resolve("/status?job=j"), timeout).asHeld();
  }

  /**
   * Waits up to 10 s for every timer to be cancelled: a pooled exchange disarms its timer as its
   * thread finishes, just after the caller sees the result.
   */
  private void awaitTimersDisarmed() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!timers.getQueue().isEmpty() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static Throwable failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** A black hole that counts each request in before it swallows it. */
  private static HostileServer.Behaviour arriving(CountDownLatch arrived) {
    return (r, out, server) -> {
      arrived.countDown();
      HostileServer.BLACK_HOLE.handle(r, out, server);
    };
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        Arguments.of("headers then a stalled body", HostileServer.STALL_BODY),
        Arguments.of("a body trickled a byte per 0.2 s", HostileServer.trickle(Duration.ofMillis(200))),
        Arguments.of("a request read and never answered", HostileServer.BLACK_HOLE));
  }

  static Stream<Arguments> hostileBothWays() {
    return hostile().flatMap(a -> Stream.of(true, false).map(held -> Arguments.of(
        (held ? "held: " : "pooled: ") + a.get()[0], a.get()[1], held)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBothWays")
  void aCallEndsAtItsTimeoutAndClosesItsConnection(String what, HostileServer.Behaviour b,
      boolean asHeld) throws Exception {
    HostileServer s = closer.add(HostileServer.start(b));
    HttpTransport t = transport(1024, 1);
    try {
      Transport.Call call = held(s.url(), Duration.ofMillis(800));
      CompletableFuture<Transport.Reply> f = t.send(asHeld ? call
          : Transport.Call.get(call.uri(), call.timeout()));
      assertInstanceOf(HttpTimeoutException.class, failure(f), what);
      assertEquals(0, s.awaitNoOpenConnections(Duration.ofSeconds(10)), what + ": connection left open");
    } finally {
      t.close();
    }
    leaks.assertNoNewThreads();
  }

  @Test
  void aHeldCallIsAnsweredLikeAPooledOne() throws Exception {
    HostileServer s = closer.add(HostileServer.start((r, out, server) -> HostileServer.answer(out, 200,
        "{\"job\":\"j\",\"status\":\"running\"}", "Preference-Applied: wait=5", "ETag: \"v1\"")));
    HttpTransport t = transport(1024, 1);
    try {
      Transport.Reply r = t.send(held(s.url(), Duration.ofSeconds(10))).get(20, TimeUnit.SECONDS);
      assertEquals(200, r.status());
      assertEquals("wait=5", r.header("Preference-Applied").orElseThrow());
      assertEquals("\"v1\"", r.header("etag").orElseThrow());
      assertEquals("{\"job\":\"j\",\"status\":\"running\"}", new String(r.body(), StandardCharsets.UTF_8));
    } finally {
      t.close();
    }
    leaks.assertNoNewThreads();
  }

  /** Sends {@code size} bytes of body without a length, then closes: the client reads to the end. */
  private static HostileServer.Behaviour unsizedBody(int size) {
    return (r, out, server) -> {
      out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
          + "x".repeat(size)).getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      out.close();
    };
  }

  @ParameterizedTest(name = "held {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aBodyOfExactlyTheBoundIsReadAndOneByteMoreIsRefusedSizedOrNot(boolean asHeld)
      throws Exception {
    String exact = "{\"a\":\"" + "x".repeat(1024 - 8) + "\"}";
    assertEquals(1024, exact.length());
    List<HostileServer.Behaviour> fits = List.of(
        (r, out, server) -> HostileServer.answer(out, 200, exact), unsizedBody(1024));
    List<HostileServer.Behaviour> over = List.of(
        (r, out, server) -> HostileServer.answer(out, 200, exact + " "), unsizedBody(1025));
    HttpTransport t = transport(1024, 1);
    try {
      for (HostileServer.Behaviour b : fits) {
        HostileServer s = closer.add(HostileServer.start(b));
        Transport.Call call = held(s.url(), Duration.ofSeconds(10));
        Transport.Reply r = t.send(asHeld ? call : Transport.Call.get(call.uri(), call.timeout()))
            .get(20, TimeUnit.SECONDS);
        assertEquals(1024, r.body().length);
      }
      for (HostileServer.Behaviour b : over) {
        HostileServer s = closer.add(HostileServer.start(b));
        Transport.Call call = held(s.url(), Duration.ofSeconds(10));
        Throwable e = failure(t.send(asHeld ? call : Transport.Call.get(call.uri(), call.timeout())));
        assertInstanceOf(ProtocolException.class, e, "unwrapped: the caller sees what we refused");
        assertTrue(e.getMessage().contains("over 1024 bytes"), e.getMessage());
      }
      awaitTimersDisarmed();
      assertEquals(0, timers.getQueue().size(), "a refused body leaves no timer armed");
    } finally {
      t.close();
    }
  }

  @ParameterizedTest(name = "held {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aCallSendsItsHeadersAndDisarmsItsTimerWhenAnswered(boolean asHeld) throws Exception {
    List<String> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
    HostileServer s = closer.add(HostileServer.start((r, out, server) -> {
      heads.add(r.head());
      HostileServer.answer(out, 200, "{}");
    }));
    HttpTransport t = transport(1024, 1);
    try {
      Transport.Call call = Transport.Call.get(s.url().resolve("/status?job=j"), Duration.ofMinutes(5),
          java.util.Map.of("Prefer", "wait=7"));
      t.send(asHeld ? call.asHeld() : call).get(20, TimeUnit.SECONDS);
      assertTrue(heads.get(0).toLowerCase(java.util.Locale.ROOT).contains("prefer: wait=7"), heads.get(0));
      // The timer is cancelled once the answer is in (the pooled path does it as the thread ends).
      awaitTimersDisarmed();
      assertEquals(0, timers.getQueue().size(), "timer still armed after the answer");
    } finally {
      t.close();
    }
  }

  @ParameterizedTest(name = "held {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aCallTheJdkRefusesToSendFailsWithoutHanging(boolean asHeld) throws Exception {
    HostileServer s = closer.add(HostileServer.start(HostileServer.status("running")));
    HttpTransport t = transport(1024, 1);
    try {
      // A header the JDK's client reserves for itself: refused when the request is built.
      Transport.Call call = Transport.Call.get(s.url().resolve("/status?job=j"), Duration.ofMinutes(5),
          java.util.Map.of("Connection", "close"));
      assertInstanceOf(IllegalArgumentException.class, failure(t.send(asHeld ? call.asHeld() : call)));
      awaitTimersDisarmed();
      assertEquals(0, timers.getQueue().size(), "no timer left armed");
    } finally {
      t.close();
    }
  }

  @ParameterizedTest(name = "held {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void aCallWhoseTimerCannotBeArmedFailsAtOnce(boolean asHeld) throws Exception {
    HostileServer s = closer.add(HostileServer.start(HostileServer.status("running")));
    HttpTransport t = transport(1024, 1);
    try {
      timers.shutdownNow();
      Transport.Call call = held(s.url(), Duration.ofMinutes(5));
      assertInstanceOf(RejectedExecutionException.class,
          failure(t.send(asHeld ? call : Transport.Call.get(call.uri(), call.timeout()))));
      assertEquals(0, s.connections(), "nothing was sent");
    } finally {
      t.close();
    }
  }

  @Test
  void aHeldCallToAServerThatClosesAtOnceFailsWithAnIOException() throws Exception {
    HostileServer s = closer.add(HostileServer.start((r, out, server) -> out.close()));
    HttpTransport t = transport(1024, 1);
    try {
      Throwable e = failure(t.send(held(s.url(), Duration.ofSeconds(10))));
      assertInstanceOf(java.io.IOException.class, e, "unwrapped from the JDK's CompletionException");
      assertTrue(!(e instanceof HttpTimeoutException), e.toString());
    } finally {
      t.close();
    }
  }

  @Test
  void aHeldCallRefusesABodyOverTheBound() throws Exception {
    String big = "{\"job\":\"j\",\"status\":\"" + "x".repeat(2_000) + "\"}";
    HostileServer s = closer.add(HostileServer.start((r, out, server) -> HostileServer.answer(out, 200, big)));
    HttpTransport t = transport(1024, 1);
    try {
      Throwable e = failure(t.send(held(s.url(), Duration.ofSeconds(10))));
      assertInstanceOf(ProtocolException.class, e);
      assertTrue(e.getMessage().contains("over 1024 bytes"), e.getMessage());
    } finally {
      t.close();
    }
  }

  @Test
  void heldCallsHoldNoPoolThread() throws Exception {
    HostileServer hole = closer.add(HostileServer.start(HostileServer.BLACK_HOLE));
    HostileServer ok = closer.add(HostileServer.start(HostileServer.status("running")));
    // One pool thread, fifty held calls waiting: a pooled call still goes out and is answered.
    HttpTransport t = transport(1024, 1);
    try {
      List<CompletableFuture<Transport.Reply>> heldCalls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        heldCalls.add(t.send(held(hole.url(), Duration.ofMinutes(1))));
      }
      Transport.Reply r = t.send(Transport.Call.get(ok.url().resolve("/status?job=j"),
          Duration.ofSeconds(10))).get(20, TimeUnit.SECONDS);
      assertEquals(200, r.status());
      assertTrue(heldCalls.stream().noneMatch(CompletableFuture::isDone), "still held");
      long pool = Thread.getAllStackTraces().keySet().stream()
          .filter(th -> th.getName().startsWith("vtstatus-http-") && !th.getName().startsWith("vtstatus-http-io"))
          .count();
      assertTrue(pool <= 1, pool + " pool threads");
    } finally {
      t.close();
    }
  }

  @Test
  void closeEndsHeldCallsAtOnceAndLeavesNoSocketOrThread() throws Exception {
    CountDownLatch arrived = new CountDownLatch(20);
    HostileServer s = closer.add(HostileServer.start(arriving(arrived)));
    HttpTransport t = transport(1024, 1);
    List<CompletableFuture<Transport.Reply>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(t.send(held(s.url(), Duration.ofMinutes(1))));
    }
    // Every call reached the server before close: close must abort exchanges under way.
    assertTrue(arrived.await(20, TimeUnit.SECONDS));
    t.close();
    for (CompletableFuture<Transport.Reply> f : calls) {
      assertInstanceOf(RejectedExecutionException.class, failure(f));
    }
    assertEquals(0, s.awaitNoOpenConnections(Duration.ofSeconds(10)), "connections left open");
    assertInstanceOf(RejectedExecutionException.class,
        failure(t.send(held(s.url(), Duration.ofMinutes(1)))), "after close");
    leaks.assertNoNewThreads();
  }

  @Test
  void cancellingAHeldCallClosesItsConnection() throws Exception {
    CountDownLatch arrived = new CountDownLatch(1);
    HostileServer s = closer.add(HostileServer.start(arriving(arrived)));
    HttpTransport t = transport(1024, 1);
    try {
      CompletableFuture<Transport.Reply> f = t.send(held(s.url(), Duration.ofMinutes(1)));
      assertTrue(arrived.await(20, TimeUnit.SECONDS));
      f.cancel(true);
      assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
      assertEquals(0, s.awaitNoOpenConnections(Duration.ofSeconds(10)), "connection left open");
    } finally {
      t.close();
    }
  }
}
