package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.internal.Protocol;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job store on a made-up time axis (nanoseconds from 0): expiry, eviction, the bound. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JobStoreTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private static Job job(String id) {
    return new Job(id, JobStatus.COMPLETED, 0, 0, Instant.EPOCH);
  }

  @Test
  void endedJobsExpireAfterRetainAndNotBefore() throws Exception {
    JobStore store = new JobStore(10, 60 * SECOND);
    Job a = job("a");
    Job b = job("b");
    store.add(a);
    store.add(b);
    store.ended(a, 5 * SECOND);
    assertTrue(store.get("a", 64 * SECOND).isPresent(), "59 s after it ended");
    assertTrue(store.get("b", 10_000 * SECOND).isPresent(), "pending jobs never expire");
    assertEquals(0, store.expire(64 * SECOND));
    assertEquals(1, store.expire(65 * SECOND));
    assertFalse(store.get("a", 65 * SECOND).isPresent());
    assertEquals(1, store.size());
    assertEquals(1, store.removed());
  }

  @Test
  void aLookupExpiresExactlyWithoutWaitingForTheSweep() throws Exception {
    JobStore store = new JobStore(10, SECOND);
    Job a = job("a");
    store.add(a);
    store.ended(a, 0);
    assertFalse(store.get("a", SECOND).isPresent());
    assertEquals(0, store.size());
    assertEquals(0, store.expire(2 * SECOND), "already gone; the sweep finds nothing to count");
  }

  @Test
  void aFullStoreEvictsTheJobThatEndedFirst() throws Exception {
    JobStore store = new JobStore(3, 3600 * SECOND);
    Job a = job("a");
    Job b = job("b");
    Job c = job("c");
    store.add(a);
    store.add(b);
    store.add(c);
    store.ended(c, 1);
    store.ended(a, 2);
    assertTrue(store.add(job("d")));
    assertFalse(store.get("c", 3).isPresent(), "c ended first");
    assertTrue(store.get("a", 3).isPresent());
    assertTrue(store.add(job("e")));
    assertFalse(store.get("a", 3).isPresent());
    assertEquals(3, store.size());
    JobStore.FullException full = assertThrows(JobStore.FullException.class, () -> store.add(job("f")),
        "b, d and e are pending: nothing may go");
    assertTrue(full.getMessage().contains("3 jobs, all pending"), full.getMessage());
    assertEquals(3, store.size());
    assertTrue(store.get("b", 3).isPresent());
  }

  @Test
  void theDefaultJobIsPinned() throws Exception {
    JobStore store = new JobStore(2, SECOND);
    Job d = job(Protocol.DEFAULT_JOB);
    store.add(d);
    store.ended(d, 0);
    assertTrue(store.get(Protocol.DEFAULT_JOB, 100 * SECOND).isPresent(), "never expires");
    store.add(job("x"));
    assertThrows(JobStore.FullException.class, () -> store.add(job("y")), "never evicted");
  }

  @Test
  void aDuplicateIdChangesNothing() throws Exception {
    JobStore store = new JobStore(2, SECOND);
    Job a = job("a");
    assertTrue(store.add(a));
    assertFalse(store.add(job("a")));
    assertTrue(store.get("a", 0).orElseThrow() == a);
  }
}
