package io.vtstatus.internal.schedule;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * When an {@link AdaptiveSchedule}'s learned state is written to its {@link StateFile}: the first
 * time at once, so a process that sees one job (the CLI's {@code wait}) keeps what it learned,
 * then at most once per {@link #EVERY}; on the calling thread (a few KB), one writer at a time.
 */
final class Autosave {
  /** The state file is saved at most this often (and at once the first time). */
  static final Duration EVERY = Duration.ofSeconds(1);

  private final Optional<StateFile> file;
  private final LongSupplier nanoTime;
  private final ReentrantLock saving = new ReentrantLock();
  /** When the state was last saved (nanoTime), or {@link Long#MIN_VALUE} if never. */
  private final AtomicLong lastSave = new AtomicLong(Long.MIN_VALUE);

  Autosave(Optional<StateFile> file, LongSupplier nanoTime) {
    this.file = file;
    this.nanoTime = nanoTime;
  }

  /** Saves {@code contents} if there is a file we may write and the last save is old enough. */
  void soon(Supplier<StateFile.Contents> contents) {
    if (file.isEmpty() || !file.get().mayWrite()) {
      return;
    }
    long now = nanoTime.getAsLong();
    long last = lastSave.get();
    if (last != Long.MIN_VALUE && now - last < EVERY.toNanos()) {
      return;
    }
    if (!saving.tryLock()) {
      return;
    }
    try {
      lastSave.set(now);
      file.get().save(contents.get());
    } finally {
      saving.unlock();
    }
  }
}
