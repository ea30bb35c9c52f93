package io.vtstatus.internal.sim;

import io.vtstatus.internal.Protocol;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's jobs, bounded in number and in time. A finished job is kept for {@code retain}
 * after it ended; the store holds at most {@code maxJobs}, and a new job evicts the job that
 * ended first. When every job held is still pending, nothing is evicted and creation fails:
 * pending jobs are the ones clients are waiting for.
 *
 * <p>Reads ({@link #get}, the {@code /status} path) take no lock; creation takes one, so the
 * bound is exact. The default job is pinned: it is never evicted nor expired, as in the original
 * server where it ended once and stayed ended.
 */
final class JobStore {
  /** Thrown by {@link #add} when every job held is pending. */
  static final class FullException extends Exception {
    private static final long serialVersionUID = 1L;

    FullException(int max) {
      super("the simulator holds " + max + " jobs, all pending (--max-jobs)", null, false, false);
    }
  }

  private final int maxJobs;
  private final long retainNanos;
  private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
  /** Ended jobs in the order they ended: the eviction and expiry order. May hold removed ones. */
  private final ConcurrentLinkedQueue<Job> ended = new ConcurrentLinkedQueue<>();
  private final AtomicLong removed = new AtomicLong();

  JobStore(int maxJobs, long retainNanos) {
    this.maxJobs = maxJobs;
    this.retainNanos = retainNanos;
  }

  /**
   * The job at {@code nowNanos} ({@link System#nanoTime()}), or empty if unknown, evicted or
   * expired (an expired one is removed here).
   */
  Optional<Job> get(String id, long nowNanos) {
    Job j = jobs.get(id);
    if (j != null && j.ended && !pinned(j) && nowNanos - j.endedNanos >= retainNanos) {
      remove(j);
      return Optional.empty();
    }
    return Optional.ofNullable(j);
  }

  /**
   * Adds {@code job}, evicting the jobs that ended first while the store is full.
   *
   * @return false if a job with that id exists already (nothing changed)
   * @throws FullException if the store is full of pending jobs
   */
  boolean add(Job job) throws FullException {
    synchronized (this) {
      if (jobs.containsKey(job.id)) {
        return false;
      }
      while (jobs.size() >= maxJobs) {
        Job oldest = ended.poll();
        if (oldest == null) {
          throw new FullException(maxJobs);
        }
        remove(oldest);
      }
      jobs.put(job.id, job);
      return true;
    }
  }

  /** Records that {@code job} has ended; called once, by whoever ended it. */
  void ended(Job job, long nowNanos) {
    job.endedNanos = nowNanos;
    job.ended = true;
    if (!pinned(job)) {
      ended.add(job);
    }
  }

  /** Removes the jobs whose retention has passed; returns how many. */
  int expire(long nowNanos) {
    int n = 0;
    Job head;
    while ((head = ended.peek()) != null && nowNanos - head.endedNanos >= retainNanos) {
      if (ended.remove(head) && remove(head)) {
        n++;
      }
    }
    return n;
  }

  private boolean remove(Job j) {
    if (jobs.remove(j.id, j)) {
      removed.incrementAndGet();
      return true;
    }
    return false;
  }

  private static boolean pinned(Job j) {
    return j.id.equals(Protocol.DEFAULT_JOB);
  }

  int size() {
    return jobs.size();
  }

  /** Jobs evicted or expired so far. */
  long removed() {
    return removed.get();
  }
}
