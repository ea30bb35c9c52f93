package io.vtstatus.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that code under test leaves no thread behind. Waits by joining the new threads (with a
 * deadline), never by sleeping. On Java 17 an {@code HttpClient}'s selector thread ends only
 * once the client is unreachable, so we ask for a GC while we wait.
 */
public final class ThreadLeaks {
  /**
   * How long to wait for threads to end. On Java 17 an {@code HttpClient} cannot be closed: its
   * selector thread ends only when the client is unreachable and has no pending operation (it
   * polls for that every 3 s), and an interrupted request stays pending (our close() lets
   * requests in flight finish first for that reason). Passing runs end the wait as soon as the
   * threads do, so a generous bound for a loaded machine costs nothing.
   */
  public static final Duration JDK17_HTTP_CLIENT_GRACE = Duration.ofSeconds(45);

  private final Set<Thread> before;

  private ThreadLeaks(Set<Thread> before) {
    this.before = before;
  }

  /** Remembers the threads alive now. */
  public static ThreadLeaks snapshot() {
    return new ThreadLeaks(new HashSet<>(Thread.getAllStackTraces().keySet()));
  }

  /** Fails if a thread started since the snapshot is still alive after {@code within}. */
  public void assertNoNewThreads(Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (before.contains(t) || t == Thread.currentThread()) {
        continue;
      }
      while (t.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        System.gc();
        t.join(Math.max(1, Math.min(500, left / 1_000_000)));
      }
      if (t.isAlive()) {
        alive.add(t.getName());
      }
    }
    if (!alive.isEmpty()) {
      fail("threads left running: " + alive);
    }
  }
}
