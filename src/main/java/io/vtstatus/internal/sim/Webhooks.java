package io.vtstatus.internal.sim;

import io.vtstatus.simulator.SimulatorServer.Signing;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Webhook registrations, at most {@code maxWebhooks} of them. Reads take no lock; registering
 * and unregistering take one, so the bound is exact. Delivery is {@link Deliveries}' job.
 */
final class Webhooks {
  /**
   * One registration; {@code active} turns false when it is deleted or answered 410. Its keys
   * change only by {@link #rotate}; a delivery reads them once, when it is signed.
   */
  static final class Registration {
    final String id;
    final URI url;
    final Optional<String> job;
    final String dedupKey;
    final AtomicBoolean active = new AtomicBoolean(true);
    private volatile SigningKeys keys;

    Registration(String id, URI url, Optional<String> job, SigningKeys keys, String dedupKey) {
      this.id = id;
      this.url = url;
      this.job = job;
      this.keys = keys;
      this.dedupKey = dedupKey;
    }

    boolean wants(String jobId) {
      return job.isEmpty() || job.get().equals(jobId);
    }

    SigningKeys keys() {
      return keys;
    }

    /** New keys; the old ones keep signing beside them until {@code now + overlap}. */
    synchronized SigningKeys rotate(Signing signing, Instant now, Duration overlap) {
      keys = keys.rotate(signing, now, overlap);
      return keys;
    }
  }

  /** Thrown by {@link #register} when {@code maxWebhooks} registrations exist. */
  static final class FullException extends Exception {
    private static final long serialVersionUID = 1L;

    FullException(int max) {
      super("the simulator holds " + max + " webhook registrations (--max-webhooks); "
          + "DELETE /webhooks/ID one first", null, false, false);
    }
  }

  /** The result of {@link #register}: the registration and whether it is new. */
  record Registered(Registration registration, boolean created) {}

  private final int max;
  private final Signing signing;
  private final Rand rand;
  private final Consumer<String> log;
  private final ConcurrentHashMap<String, Registration> byId = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Registration> byKey = new ConcurrentHashMap<>();

  Webhooks(int max, Signing signing, Rand rand, Consumer<String> log) {
    this.max = max;
    this.signing = signing;
    this.rand = rand;
    this.log = log;
  }

  /**
   * Registers {@code url}; the same url, job and secret (or the same url and job, both without a
   * secret) return the existing registration, so a client may retry the POST, even at the limit.
   *
   * @throws FullException if the registration is new and {@code maxWebhooks} exist
   */
  Registered register(URI url, Optional<String> job, Optional<String> secret) throws FullException {
    String dedupKey = url + "\n" + job.orElse("") + "\n" + secret.orElse("");
    Registration r;
    synchronized (this) {
      Registration existing = byKey.get(dedupKey);
      if (existing != null) {
        return new Registered(existing, false);
      }
      if (byId.size() >= max) {
        throw new FullException(max);
      }
      r = new Registration(rand.id("wh_"), url, job, SigningKeys.create(signing, secret), dedupKey);
      byId.put(r.id, r);
      byKey.put(dedupKey, r);
    }
    log.accept("webhook " + r.id + " registered for " + job.map(j -> "job " + j).orElse("all jobs")
        + " -> " + url);
    return new Registered(r, true);
  }

  /** Registration {@code id}; empty if there is none. */
  Optional<Registration> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Removes registration {@code id}; empty if there was none. */
  synchronized Optional<Registration> unregister(String id) {
    Registration r = byId.remove(id);
    if (r == null) {
      return Optional.empty();
    }
    r.active.set(false);
    byKey.remove(r.dedupKey, r);
    return Optional.of(r);
  }

  /** The registrations in force, a live view: iterate it, do not keep it. */
  Collection<Registration> all() {
    return byId.values();
  }

  List<Registration> snapshot() {
    return new ArrayList<>(byId.values());
  }

  int size() {
    return byId.size();
  }
}
