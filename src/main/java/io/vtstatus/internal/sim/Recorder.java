package io.vtstatus.internal.sim;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bounded queue of the most recent records: a long run keeps the newest, never grows. */
final class Recorder<T> {
  private final LinkedBlockingQueue<T> queue;

  Recorder(int capacity) {
    queue = new LinkedBlockingQueue<>(capacity);
  }

  void add(T t) {
    while (!queue.offer(t)) {
      queue.poll();
    }
  }

  Optional<T> take(Duration timeout) throws InterruptedException {
    return Optional.ofNullable(queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
  }
}
