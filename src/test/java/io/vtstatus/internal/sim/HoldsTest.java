package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.util.Threads;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Held exchanges without the network: who answers them, when, and what closing does. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HoldsTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);
  private final ScheduledThreadPoolExecutor scheduler =
      new ScheduledThreadPoolExecutor(1, Threads.daemon("test-holds-scheduler"));
  private final ExecutorService pool = Executors.newSingleThreadExecutor(Threads.daemon("test-holds-pool"));
  private final Holds holds = new Holds(scheduler, pool);
  private final BlockingQueue<String> written = new LinkedBlockingQueue<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    pool.shutdownNow();
  }

  /** An exchange that only counts how often it was closed. */
  static final class Parked extends HttpExchange {
    final AtomicInteger closes = new AtomicInteger();

    @Override public Headers getRequestHeaders() { return new Headers(); }
    @Override public Headers getResponseHeaders() { return new Headers(); }
    @Override public URI getRequestURI() { return URI.create("/status"); }
    @Override public String getRequestMethod() { return "GET"; }
    @Override public HttpContext getHttpContext() { return null; }
    @Override public void close() { closes.incrementAndGet(); }
    @Override public InputStream getRequestBody() { return InputStream.nullInputStream(); }
    @Override public OutputStream getResponseBody() { return OutputStream.nullOutputStream(); }
    @Override public void sendResponseHeaders(int code, long length) { }
    @Override public InetSocketAddress getRemoteAddress() { return null; }
    @Override public int getResponseCode() { return -1; }
    @Override public InetSocketAddress getLocalAddress() { return null; }
    @Override public String getProtocol() { return "HTTP/1.1"; }
    @Override public Object getAttribute(String name) { return null; }
    @Override public void setAttribute(String name, Object value) { }
    @Override public void setStreams(InputStream i, OutputStream o) { }
    @Override public HttpPrincipal getPrincipal() { return null; }
  }

  private static Job job(String id) {
    return new Job(id, JobStatus.COMPLETED, System.nanoTime(), HOUR, Instant.EPOCH);
  }

  private static void end(Job j) {
    assertTrue(j.casState(j.state(), new Job.State(JobStatus.COMPLETED, Instant.EPOCH)));
  }

  private Parked park(Job j, String label, long waitNanos) {
    Parked ex = new Parked();
    holds.park(ex, new Response.Hold(j, waitNanos, () -> Response.empty(200)),
        r -> written.add(label + " " + r.code()));
    return ex;
  }

  private String next() throws InterruptedException {
    String s = written.poll(10, TimeUnit.SECONDS);
    assertTrue(s != null, "no answer written");
    return s;
  }

  @Test
  void aJobsEndAnswersItsHeldExchangesAndNoOthers() throws Exception {
    Job a = job("a");
    Job b = job("b");
    park(a, "a1", HOUR);
    park(a, "a2", HOUR);
    park(b, "b1", HOUR);
    assertEquals(3, holds.size());
    end(a);
    holds.ended(a);
    List<String> got = List.of(next(), next());
    assertTrue(got.containsAll(List.of("a1 200", "a2 200")), got.toString());
    assertEquals(1, holds.size(), "b's stays held");
    holds.ended(a);
    assertEquals(null, written.poll(50, TimeUnit.MILLISECONDS), "answered once");
  }

  @Test
  void theWaitRunningOutAnswersTheExchangeAndLeavesItsNeighbours() throws Exception {
    Job a = job("a");
    park(a, "long", HOUR);
    park(a, "short", TimeUnit.MILLISECONDS.toNanos(1));
    assertEquals("short 200", next());
    assertEquals(1, holds.size(), "the other exchange of the job is still held");
    holds.ended(a);
    assertEquals("long 200", next());
  }

  @Test
  void withTheSchedulerGoneAParkedExchangeIsClosed() {
    scheduler.shutdownNow();
    Parked ex = park(job("a"), "a", HOUR);
    assertEquals(1, ex.closes.get());
    assertEquals(0, holds.size());
  }

  @Test
  void aJobThatEndedBeforeItsExchangeWasParkedIsAnsweredAtOnce() throws Exception {
    Job a = job("a");
    end(a);
    park(a, "a", HOUR);
    assertEquals("a 200", next());
    assertEquals(0, holds.size());
  }

  @Test
  void closingClosesEveryHeldExchangeUnansweredAndLaterOnesAtOnce() throws Exception {
    Job a = job("a");
    Parked one = park(a, "a1", HOUR);
    Parked two = park(job("b"), "b1", HOUR);
    holds.close();
    assertEquals(1, one.closes.get());
    assertEquals(1, two.closes.get());
    assertEquals(0, holds.size());
    Parked late = park(a, "late", HOUR);
    assertEquals(1, late.closes.get(), "parked after close: closed at once");
    holds.ended(a);
    assertEquals(null, written.poll(50, TimeUnit.MILLISECONDS), "nothing closed is answered");
    assertEquals(1, one.closes.get(), "closed once");
  }

  @Test
  void withTheRequestPoolGoneTheExchangeIsClosed() {
    Job a = job("a");
    Parked ex = park(a, "a", HOUR);
    pool.shutdownNow();
    holds.ended(a);
    assertEquals(1, ex.closes.get());
    assertFalse(written.contains("a 200"));
  }
}
