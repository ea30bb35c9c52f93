package io.vtstatus.internal.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Webhooks that arrived for jobs nobody was watching yet, kept so a later {@code watch()} ends
 * at once. Bounded in count and age: a flood of events for unknown jobs costs a fixed amount of
 * memory, evicting the oldest first.
 */
final class EarlyEvents {
  record Event(StatusAnswer answer, boolean trusted) {}

  private record Entry(Event event, long expiresNanos) {}

  private final int capacity;
  private final long ttlNanos;
  private final LinkedHashMap<String, Entry> map;

  EarlyEvents(int capacity, long ttlNanos) {
    this.capacity = capacity;
    this.ttlNanos = ttlNanos;
    this.map = new LinkedHashMap<>(16, 0.75f, false) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > EarlyEvents.this.capacity;
      }
    };
  }

  synchronized void put(String jobId, Event e) {
    Entry old = map.get(jobId);
    // A trusted event is never replaced by an untrusted one for the same job.
    if (old != null && old.event().trusted() && !e.trusted() && old.expiresNanos() - System.nanoTime() > 0) {
      return;
    }
    map.remove(jobId);
    map.put(jobId, new Entry(e, System.nanoTime() + ttlNanos));
  }

  synchronized Optional<Event> get(String jobId) {
    Entry en = map.get(jobId);
    if (en == null) {
      return Optional.empty();
    }
    if (en.expiresNanos() - System.nanoTime() <= 0) {
      map.remove(jobId);
      return Optional.empty();
    }
    return Optional.of(en.event());
  }

  synchronized int size() {
    return map.size();
  }
}
