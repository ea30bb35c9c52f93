package io.vtstatus.internal.util;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A map bounded in count and age, for state that strangers on the network can make us keep
 * (webhook ids, early events, hints, the simulator's idempotency keys). When full, the oldest
 * entry goes first; an entry expires {@code ttl} after it was last put. Thread-safe (one lock:
 * every operation is short).
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ExpiringMap<K, V> {
  private final int capacity;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final LinkedHashMap<K, Stamped<V>> map = new LinkedHashMap<>();

  private static final class Stamped<V> {
    final V value;
    final long expiresNanos;

    Stamped(V value, long expiresNanos) {
      this.value = value;
      this.expiresNanos = expiresNanos;
    }
  }

  /** A map of at most {@code capacity} entries, each kept {@code ttlNanos} on {@code nanoTime}. */
  public ExpiringMap(int capacity, long ttlNanos, LongSupplier nanoTime) {
    if (capacity < 1 || ttlNanos <= 0) {
      throw new IllegalArgumentException("capacity " + capacity + ", ttl " + ttlNanos);
    }
    this.capacity = capacity;
    this.ttlNanos = ttlNanos;
    this.nanoTime = nanoTime;
  }

  /** Puts {@code value}, renewing its age and moving it to the young end. */
  public synchronized void put(K key, V value) {
    long now = nanoTime.getAsLong();
    map.remove(key);
    map.put(key, new Stamped<>(value, now + ttlNanos));
    trim(now);
  }

  /**
   * Puts {@code value} only if no live entry holds {@code key}; true if it was put. One
   * operation, so two callers racing on one key cannot both win.
   */
  public synchronized boolean putIfAbsent(K key, V value) {
    long now = nanoTime.getAsLong();
    Stamped<V> old = map.get(key);
    if (old != null && old.expiresNanos - now > 0) {
      return false;
    }
    map.remove(key);
    map.put(key, new Stamped<>(value, now + ttlNanos));
    trim(now);
    return true;
  }

  /** The live value for {@code key}, if any. */
  public synchronized Optional<V> get(K key) {
    Stamped<V> s = map.get(key);
    if (s == null) {
      return Optional.empty();
    }
    if (s.expiresNanos - nanoTime.getAsLong() <= 0) {
      map.remove(key);
      return Optional.empty();
    }
    return Optional.of(s.value);
  }

  /** Removes {@code key}; returns the live value it held, if any. */
  public synchronized Optional<V> remove(K key) {
    Stamped<V> s = map.remove(key);
    return s == null || s.expiresNanos - nanoTime.getAsLong() <= 0
        ? Optional.empty() : Optional.of(s.value);
  }

  /** The number of entries held, expired ones not yet dropped included. */
  public synchronized int size() {
    return map.size();
  }

  private void trim(long now) {
    Iterator<Map.Entry<K, Stamped<V>>> it = map.entrySet().iterator();
    int excess = map.size() - capacity;
    // Insertion order is expiry order (every put renews at the young end), so the scan stops at
    // the first live entry once the count fits.
    while (it.hasNext()) {
      Map.Entry<K, Stamped<V>> e = it.next();
      if (excess > 0 || e.getValue().expiresNanos - now <= 0) {
        it.remove();
        excess--;
      } else {
        break;
      }
    }
  }
}
