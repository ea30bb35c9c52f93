package io.vtstatus.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that code under test leaves no thread behind. Waits by joining the new threads (with a
 * deadline), never by sleeping.
 *
 * <p>Two graces. Our own threads (and the JDK {@code HttpServer}'s dispatcher, which our
 * {@code close()} stops) get {@link #OUR_GRACE}: {@code close()} waits for them, so they should
 * be gone at once. The JDK {@code HttpClient}'s selector thread gets more: on Java 17 a client
 * cannot be closed, and its selector ends only once the client is unreachable and has no
 * exchange pending (it checks every few seconds), so we ask for a GC while we wait.
 */
public final class ThreadLeaks {
  /** For threads our {@code close()} waits for: a loaded machine may still be unwinding them. */
  public static final Duration OUR_GRACE = Duration.ofSeconds(2);
  /** For the JDK 17 {@code HttpClient} selector thread, which ends on its own schedule. */
  public static final Duration JDK17_HTTP_CLIENT_GRACE = Duration.ofSeconds(10);

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
    assertNoNewThreads(JDK17_HTTP_CLIENT_GRACE);
  }

  /**
   * As {@link #assertNoNewThreads()}, with {@code httpClientGrace} for the JDK {@code
   * HttpClient}'s threads. Threads named {@code test-…} are the test's own and the common pool is
   * shared by the JVM: both are ignored.
   */
  public void assertNoNewThreads(Duration httpClientGrace) throws InterruptedException {
    long start = System.nanoTime();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (before.contains(t) || t == Thread.currentThread() || name.startsWith("test-")
          || name.startsWith("ForkJoinPool.commonPool")) {
        continue;
      }
      boolean jdkClient = name.startsWith("HttpClient-");
      long deadline = start + (jdkClient ? httpClientGrace : OUR_GRACE).toNanos();
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        if (jdkClient) {
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
