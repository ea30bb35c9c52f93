package io.vtstatus.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hostile webhook receivers on raw sockets, all served by one thread ({@code test-stall}) so
 * they add no threads however many connections they hold. Each request is read up to the end
 * of its headers, then answered according to the {@link Mode}; nothing is ever completed.
 */
final class StallingReceivers implements AutoCloseable {
  enum Mode {
    /** {@code 200 OK} with a {@code Content-Length: 1000} that never comes. */
    HEADERS_THEN_STALL,
    /** Accepts, reads the request, never answers. */
    NO_ANSWER,
    /** {@code 200 OK}, then one body byte every 50 ms, forever. */
    TRICKLE
  }

  private static final byte[] HEAD =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final Mode mode;
  private final Selector selector;
  private final List<ServerSocketChannel> servers = new ArrayList<>();
  private final Thread thread;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final AtomicInteger closedByPeer = new AtomicInteger();
  private final Object changed = new Object();
  private volatile boolean stop;

  /** Per connection: what has been read so far, and whether the headers went out. */
  private static final class Conn {
    final StringBuilder request = new StringBuilder();
    boolean answered;
  }

  StallingReceivers(int n, Mode mode) {
    this.mode = mode;
    try {
      selector = Selector.open();
      for (int i = 0; i < n; i++) {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        s.configureBlocking(false);
        s.register(selector, SelectionKey.OP_ACCEPT);
        servers.add(s);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::run, "test-stall");
    thread.setDaemon(true);
    thread.start();
  }

  List<URI> urls() {
    List<URI> out = new ArrayList<>();
    for (ServerSocketChannel s : servers) {
      int port = ((InetSocketAddress) s.socket().getLocalSocketAddress()).getPort();
      out.add(URI.create("http://127.0.0.1:" + port + "/hook"));
    }
    return out;
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long nextTrickle = System.nanoTime();
    while (!stop) {
      try {
        selector.select(20);
        for (SelectionKey k : selector.selectedKeys()) {
          if (!k.isValid()) {
            continue;
          }
          if (k.isAcceptable()) {
            SocketChannel c = ((ServerSocketChannel) k.channel()).accept();
            if (c != null) {
              c.configureBlocking(false);
              c.register(selector, SelectionKey.OP_READ, new Conn());
              open.incrementAndGet();
              signal();
            }
          } else if (k.isReadable()) {
            SocketChannel c = (SocketChannel) k.channel();
            Conn conn = (Conn) k.attachment();
            buf.clear();
            int r;
            try {
              r = c.read(buf);
            } catch (IOException reset) {
              r = -1;
            }
            if (r < 0) {
              k.cancel();
              c.close();
              open.decrementAndGet();
              closedByPeer.incrementAndGet();
              signal();
              continue;
            }
            conn.request.append(new String(buf.array(), 0, r, StandardCharsets.ISO_8859_1));
            if (!conn.answered && conn.request.indexOf("\r\n\r\n") >= 0) {
              conn.answered = true;
              if (mode != Mode.NO_ANSWER) {
                c.write(ByteBuffer.wrap(HEAD));
              }
              answered.incrementAndGet();
              signal();
            }
          }
        }
        selector.selectedKeys().clear();
        if (mode == Mode.TRICKLE && System.nanoTime() - nextTrickle >= 0) {
          nextTrickle = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
          for (SelectionKey k : selector.keys()) {
            if (k.isValid() && k.attachment() instanceof Conn && ((Conn) k.attachment()).answered) {
              try {
                ((SocketChannel) k.channel()).write(ByteBuffer.wrap(new byte[] {'x'}));
              } catch (IOException gone) {
                // noticed on the next read
              }
            }
          }
        }
      } catch (IOException e) {
        if (!stop) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  private interface Condition {
    boolean holds();
  }

  private boolean await(Condition c, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (!c.holds()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
      return true;
    }
  }

  /** Waits until at least {@code n} requests have been read (and answered, per the mode). */
  boolean awaitAnswered(int n, Duration timeout) throws InterruptedException {
    return await(() -> answered.get() >= n, timeout);
  }

  /** Waits until the sender has closed at least {@code n} connections. */
  boolean awaitClosedByPeer(int n, Duration timeout) throws InterruptedException {
    return await(() -> closedByPeer.get() >= n, timeout);
  }

  int open() {
    return open.get();
  }

  int answered() {
    return answered.get();
  }

  int closedByPeer() {
    return closedByPeer.get();
  }

  @Override
  public void close() {
    stop = true;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      for (SelectionKey k : selector.keys()) {
        k.channel().close();
      }
      selector.close();
    } catch (IOException ignored) {
      // best effort
    }
  }
}
