package io.vtstatus.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Checks that code under test leaves no thread behind. Waits by joining the new threads (with a
 * deadline), never by sleeping.
 *
 * <p>Our own threads (and the JDK {@code HttpServer}'s dispatcher, which our {@code close()}
 * stops) get {@link #OUR_GRACE}: {@code close()} waits for them, so they should be gone at once.
 *
 * <p>The JDK {@code HttpClient}'s threads ({@code HttpClient-…}) are the one documented
 * exception, and only before Java 21. There a client cannot be closed: its selector ends once the
 * client is unreachable and has no exchange pending, on a schedule of the JDK's own (it checks
 * every few seconds, later under load), so a test that waited for it failed now and then on a
 * loaded machine. On 17 they are not checked; what the library controls is (its own threads, and
 * each test's sockets and exchanges). From 21 on the library stops every client it owns
 * ({@code shutdownNow}), and its threads are checked like ours, with {@link
 * #HTTP_CLIENT_GRACE} for a test's own clients, which end once unreachable.
 */
public final class ThreadLeaks {
  /** For threads our {@code close()} waits for: a loaded machine may still be unwinding them. */
  public static final Duration OUR_GRACE = Duration.ofSeconds(2);
  /** From Java 21, for the JDK {@code HttpClient}'s threads (see the class doc). */
  public static final Duration HTTP_CLIENT_GRACE = Duration.ofSeconds(10);
  /** Whether the running JDK can stop an {@code HttpClient} (Java 21 and later). */
  public static final boolean HTTP_CLIENT_CLOSES = Runtime.version().feature() >= 21;

  private final Set<Thread> before;

  private ThreadLeaks(Set<Thread> before) {
    this.before = before;
  }

  /** Remembers the threads alive now. */
  public static ThreadLeaks snapshot() {
    return new ThreadLeaks(new HashSet<>(Thread.getAllStackTraces().keySet()));
  }

  /** Fails if a thread started since the snapshot outlives its grace (see the class doc). */
  public void assertNoNewThreads() throws InterruptedException {
    assertNoNewThreads(HTTP_CLIENT_GRACE);
  }

  /**
   * Whether {@code t} is JUnit's own: a worker of the pool that runs this test (where a class runs
   * its cases concurrently), or the watcher of {@code @Timeout}s.
   */
  private static boolean junits(Thread t) {
    Thread me = Thread.currentThread();
    return t.getName().equals("junit-jupiter-timeout-watcher")
        || (t instanceof ForkJoinWorkerThread && me instanceof ForkJoinWorkerThread
            && ((ForkJoinWorkerThread) t).getPool() == ((ForkJoinWorkerThread) me).getPool());
  }

  /**
   * As {@link #assertNoNewThreads()}, with {@code httpClientGrace} for the JDK {@code
   * HttpClient}'s threads on Java 21 and later. Threads named {@code test-…} are the test's own and
   * the common pool is shared by the JVM: both are ignored.
   */
  public void assertNoNewThreads(Duration httpClientGrace) throws InterruptedException {
    assertNoNewThreads(httpClientGrace, true);
  }

  /**
   * From Java 21: fails if a JDK {@code HttpClient} thread started since the snapshot outlives
   * {@link #OUR_GRACE} without a garbage collection, which ends an abandoned client's threads:
   * only {@code shutdownNow()} ends them this soon. Other threads are not checked (a simulator the
   * test still runs has its own). For code whose clients are all the library's.
   */
  public void assertHttpClientsWereStopped() throws InterruptedException {
    if (!HTTP_CLIENT_CLOSES) {
      throw new IllegalStateException("Java " + Runtime.version().feature() + " cannot stop a client");
    }
    assertNoNewThreads(OUR_GRACE, false, true);
  }

  private void assertNoNewThreads(Duration httpClientGrace, boolean collect) throws InterruptedException {
    assertNoNewThreads(httpClientGrace, collect, false);
  }

  private void assertNoNewThreads(Duration httpClientGrace, boolean collect, boolean clientsOnly)
      throws InterruptedException {
    long start = System.nanoTime();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (before.contains(t) || t == Thread.currentThread() || name.startsWith("test-")
          || name.startsWith("ForkJoinPool.commonPool") || junits(t)) {
        continue;
      }
      boolean jdkClient = name.startsWith("HttpClient-");
      if ((jdkClient && !HTTP_CLIENT_CLOSES) || (!jdkClient && clientsOnly)) {
        continue;
      }
      long deadline = start + (jdkClient ? httpClientGrace : OUR_GRACE).toNanos();
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (jdkClient && collect) {
          System.gc();
        }
        t.join(Math.max(1, Math.min(200, left / 1_000_000)));
      }
      if (t.isAlive()) {
        alive.add(name);
      }
    }
    if (!alive.isEmpty()) {
      fail("threads left running: " + alive);
    }
  }
}
