package io.vtstatus.testing;

import io.vtstatus.internal.util.Threads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay in front of a server that does what many proxies do to long polls: a
 * connection whose request has waited {@code cutAfter} for the first byte of its answer is
 * closed, both ways.
 */
public final class CuttingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final long cutAfterNanos;
  private final ExecutorService pumps = Executors.newCachedThreadPool(Threads.daemon("test-relay"));
  private final ScheduledExecutorService checks =
      Executors.newSingleThreadScheduledExecutor(Threads.daemon("test-relay-check"));
  private final Set<Pair> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger cuts = new AtomicInteger();

  private final class Pair {
    final Socket client;
    final Socket server;
    /** When the client last sent bytes the server has not yet started to answer; 0: none. */
    volatile long waitingSince;

    Pair(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void close() {
      open.remove(this);
      closeQuietly(client);
      closeQuietly(server);
    }
  }

  private CuttingRelay(URI target, Duration cutAfter) throws IOException {
    this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), target.getPort());
    this.cutAfterNanos = cutAfter.toNanos();
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    pumps.execute(this::accept);
    checks.scheduleWithFixedDelay(this::cutHeld, 20, 20, TimeUnit.MILLISECONDS);
  }

  /** A relay to {@code target}'s port on loopback that cuts requests held {@code cutAfter}. */
  public static CuttingRelay start(URI target, Duration cutAfter) throws IOException {
    return new CuttingRelay(target, cutAfter);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + listener.getLocalPort());
  }

  /** Connections cut so far. */
  public int cuts() {
    return cuts.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      Socket c;
      try {
        c = listener.accept();
      } catch (IOException closed) {
        return;
      }
      Socket s = new Socket();
      try {
        s.connect(upstream, 5_000);
      } catch (IOException e) {
        closeQuietly(c);
        closeQuietly(s);
        continue;
      }
      Pair p = new Pair(c, s);
      open.add(p);
      pumps.execute(() -> pump(p, c, s, true));
      pumps.execute(() -> pump(p, s, c, false));
    }
  }

  private void pump(Pair p, Socket from, Socket to, boolean request) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (request) {
          if (p.waitingSince == 0) {
            p.waitingSince = System.nanoTime();
          }
        } else {
          p.waitingSince = 0;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException gone) {
      // Either side closed: the pair is over.
    } finally {
      p.close();
    }
  }

  private void cutHeld() {
    long now = System.nanoTime();
    for (Pair p : open) {
      long since = p.waitingSince;
      if (since != 0 && now - since >= cutAfterNanos) {
        cuts.incrementAndGet();
        p.close();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing is all we wanted.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Pair p : open) {
      p.close();
    }
    checks.shutdownNow();
    pumps.shutdownNow();
  }
}
