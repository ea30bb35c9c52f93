package io.vtstatus.internal.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToLongFunction;

/**
 * A bounded queue of the most recent records, bounded both in count and in (estimated) bytes: a
 * long run keeps the newest and never grows, whatever the records hold.
 */
final class Recorder<T> {
  private final int capacity;
  private final long maxBytes;
  private final ToLongFunction<T> size;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private long bytes;

  Recorder(int capacity, long maxBytes, ToLongFunction<T> size) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
    this.size = size;
  }

  /** Adds {@code t}, dropping the oldest records while over either bound. */
  void add(T t) {
    long n = size.applyAsLong(t);
    lock.lock();
    try {
      queue.addLast(t);
      bytes += n;
      while (queue.size() > 1 && (queue.size() > capacity || bytes > maxBytes)) {
        bytes -= size.applyAsLong(queue.removeFirst());
      }
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  Optional<T> take(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lockInterruptibly();
    try {
      while (queue.isEmpty()) {
        if (nanos <= 0) {
          return Optional.empty();
        }
        nanos = added.awaitNanos(nanos);
      }
      T t = queue.removeFirst();
      bytes -= size.applyAsLong(t);
      return Optional.of(t);
    } finally {
      lock.unlock();
    }
  }

  /** The estimated bytes held now. */
  long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  int size() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }
}
