package io.vtstatus.internal.sim;

import io.vtstatus.internal.util.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Plain-{@code http} webhook attempts on blocking sockets kept alive per receiver: the sender
 * thread writes the request (headers and body in one write) and reads the status line and
 * headers itself. The JDK {@code HttpClient} hands the write to its executor and the answer to
 * its selector thread and back: thread wake-ups that were the largest share of the webhook
 * path's time on a busy machine (issue 23). {@code https} receivers keep the {@code HttpClient}
 * ({@link Attempt}).
 *
 * <p>The answer is the status line: the sender thread is free once the headers are in. A body
 * that came with them, complete, leaves the connection for the next attempt; one still to come
 * is read (and discarded, up to {@link Attempt#MAX_RESPONSE_BODY}) by one drain thread without
 * blocking, its connection then closed, and the attempt ends then, or at its deadline, which
 * closes the connection.
 */
final class Wire {
  /** Idle connections kept per receiver (host and port). */
  static final int MAX_IDLE_PER_RECEIVER = 16;
  /** The largest status line and headers read. */
  static final int MAX_HEAD = 16 * 1024;

  /** The attempt's side. */
  interface Exchange {
    /** Called with the channel in use, so the attempt's deadline can close it. */
    void using(SocketChannel ch);

    /** The headers are in, with {@code code}; the sender thread is about to return. */
    void headersIn(int code);

    /** The answer is over (body read, cut, or none): false if the deadline cut it first. */
    boolean release();

    /** The body still to come ended (or was cut): the attempt is over. */
    void drained();
  }

  private final Duration connectTimeout;
  private final Map<String, ArrayDeque<SocketChannel>> idle = new HashMap<>();
  private final ConcurrentLinkedQueue<Draining> toDrain = new ConcurrentLinkedQueue<>();
  private Selector selector;
  private Thread drainer;
  private boolean closed;

  Wire(Duration connectTimeout) {
    this.connectTimeout = connectTimeout;
  }

  /**
   * Sends one request; the exchange hears its status code ({@link Exchange#headersIn}) and, if
   * a body is still to come (then this returns false), its end ({@link Exchange#drained}) later.
   * Throws {@link
   * HttpTimeoutException} when the deadline closed the channel before the headers.
   */
  boolean send(URI url, byte[] request, long deadlineNanos, Exchange ex) throws IOException {
    String key = key(url);
    SocketChannel ch = take(key);
    if (ch != null) {
      try {
        return exchange(key, ch, request, deadlineNanos, ex);
      } catch (Stale e) {
        close(ch);
        // The receiver closed the kept connection meanwhile: once more, on a new one.
      }
    }
    ch = SocketChannel.open();
    ex.using(ch);
    try {
      ch.socket().setTcpNoDelay(true);
      long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
      ch.socket().connect(new InetSocketAddress(url.getHost(), port(url)),
          (int) Math.min(Integer.MAX_VALUE, Math.min(left, Math.max(1, connectTimeout.toMillis()))));
    } catch (java.net.SocketTimeoutException e) {
      close(ch);
      throw timeout();
    } catch (IOException e) {
      close(ch);
      if (System.nanoTime() - deadlineNanos >= 0) {
        throw timeout();
      }
      throw e;
    } catch (RuntimeException e) {
      close(ch);
      throw e;
    }
    try {
      return exchange(key, ch, request, deadlineNanos, ex);
    } catch (Stale e) {
      close(ch);
      throw new IOException("connection closed before the status line");
    }
  }

  /** True when the answer is over; false when its body drains on (see {@link #drain}). */
  private boolean exchange(String key, SocketChannel ch, byte[] request, long deadlineNanos,
      Exchange ex) throws IOException, Stale {
    ex.using(ch);
    boolean any = false;
    try {
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        ch.write(out);
      }
      ByteBuffer in = ByteBuffer.allocate(MAX_HEAD);
      int end;
      String head;
      int code;
      while (true) {
        while ((end = headEnd(in)) < 0) {
          if (!in.hasRemaining()) {
            throw new IOException("status line and headers over " + MAX_HEAD + " bytes");
          }
          if (ch.read(in) < 0) {
            if (!any) {
              throw new Stale();
            }
            throw new IOException("connection closed in the headers");
          }
          any = true;
        }
        head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
        code = status(head);
        if (code / 100 != 1 || code == 101) {
          break;
        }
        // An interim answer (100 Continue unasked, 103 Early Hints): the final one follows.
        in.flip().position(end + 4);
        in.compact();
      }
      long length = code / 100 == 1 ? -1 : length(head, code);
      long have = in.position() - end - 4;
      ex.headersIn(code);
      boolean close = head.toLowerCase(Locale.ROOT).contains("\nconnection: close");
      if (length >= 0 && have >= length) {
        if (ex.release() && !close && have == length) {
          give(key, ch);
        } else {
          close(ch);
        }
        return true;
      }
      drain(ch, length < 0 ? -1 : length - have, have, ex);
      return false;
    } catch (IOException e) {
      close(ch);
      if (System.nanoTime() - deadlineNanos >= 0 && !ch.isOpen()) {
        throw timeout();
      }
      if (!any && !(e instanceof ClosedChannelException)) {
        // A kept connection the receiver reset: nothing was read from it.
        throw new Stale();
      }
      throw e;
    }
  }

  /** A body still to come, read off the sender thread. */
  private static final class Draining {
    final SocketChannel ch;
    final Exchange ex;
    /** Bytes still to come, -1 until the connection closes. */
    long left;
    long read;

    Draining(SocketChannel ch, Exchange ex, long left, long read) {
      this.ch = ch;
      this.ex = ex;
      this.left = left;
      this.read = read;
    }
  }

  private void drain(SocketChannel ch, long left, long read, Exchange ex) throws IOException {
    synchronized (this) {
      if (closed) {
        throw new IOException("simulator closing");
      }
      if (drainer == null) {
        selector = Selector.open();
        drainer = Threads.daemon("vtstatus-sim-webhook-drain").newThread(this::drainLoop);
        drainer.start();
      }
    }
    toDrain.add(new Draining(ch, ex, left, read));
    selector.wakeup();
  }

  private void drainLoop() {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    Selector sel = selector;
    while (true) {
      synchronized (this) {
        if (closed) {
          break;
        }
      }
      Draining d;
      while ((d = toDrain.poll()) != null) {
        try {
          d.ch.configureBlocking(false);
          d.ch.register(sel, SelectionKey.OP_READ, d);
        } catch (IOException | RuntimeException e) {
          end(d);
        }
      }
      try {
        sel.select(1000);
      } catch (IOException | RuntimeException e) {
        break;
      }
      for (SelectionKey k : sel.selectedKeys()) {
        Draining r = (Draining) k.attachment();
        boolean over;
        try {
          buf.clear();
          int n = r.ch.read(buf);
          r.read += Math.max(0, n);
          if (r.left >= 0 && n > 0) {
            r.left -= n;
          }
          over = n < 0 || r.left == 0 || r.read > Attempt.MAX_RESPONSE_BODY;
        } catch (IOException | RuntimeException e) {
          over = true;
        }
        if (over) {
          k.cancel();
          end(r);
        }
      }
      sel.selectedKeys().clear();
      // Channels the deadline closed: their keys are gone; their attempts ended in cut().
    }
    for (SelectionKey k : sel.keys()) {
      end((Draining) k.attachment());
    }
    Draining d;
    while ((d = toDrain.poll()) != null) {
      end(d);
    }
    try {
      sel.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  private static void end(Draining d) {
    close(d.ch);
    d.ex.release();
    d.ex.drained();
  }

  private static HttpTimeoutException timeout() {
    return new HttpTimeoutException("request timed out");
  }

  /** A kept connection the receiver had closed: nothing was read from it. */
  private static final class Stale extends Exception {
    private static final long serialVersionUID = 1L;

    Stale() {
      super(null, null, false, false);
    }
  }

  /** The index of the blank line ending the headers in what {@code b} holds, or -1. */
  private static int headEnd(ByteBuffer b) {
    byte[] a = b.array();
    int n = b.position();
    for (int i = 0; i + 3 < n; i++) {
      if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int status(String head) throws IOException {
    // "HTTP/1.1 204 No Content"
    int sp = head.indexOf(' ');
    if (!head.startsWith("HTTP/1.") || sp < 0 || head.length() < sp + 4) {
      throw new IOException("not an HTTP/1.x status line");
    }
    try {
      int code = Integer.parseInt(head.substring(sp + 1, sp + 4));
      if (code < 100 || code > 599) {
        throw new IOException("status " + code);
      }
      return code;
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP/1.x status line");
    }
  }

  /** The body's length: 0 for 204 and 304, the Content-Length, or -1 (chunked, unknown). */
  private static long length(String head, int code) {
    if (code == 204 || code == 304) {
      return 0;
    }
    String lower = head.toLowerCase(Locale.ROOT);
    if (lower.contains("\ntransfer-encoding:")) {
      return -1;
    }
    int i = lower.indexOf("\ncontent-length:");
    if (i < 0) {
      return -1;
    }
    int eol = lower.indexOf('\r', i + 1);
    try {
      long n = Long.parseLong(lower.substring(i + 16, eol < 0 ? lower.length() : eol).trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int port(URI url) {
    return url.getPort() >= 0 ? url.getPort() : 80;
  }

  private static String key(URI url) {
    return url.getHost() + ":" + port(url);
  }

  private synchronized SocketChannel take(String key) {
    ArrayDeque<SocketChannel> q = idle.get(key);
    SocketChannel s = q == null ? null : q.pollLast();
    if (q != null && q.isEmpty()) {
      idle.remove(key);
    }
    return s;
  }

  private void give(String key, SocketChannel s) {
    synchronized (this) {
      if (!closed) {
        ArrayDeque<SocketChannel> q = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
        if (q.size() < MAX_IDLE_PER_RECEIVER) {
          q.addLast(s);
          return;
        }
      }
    }
    close(s);
  }

  /** Closes the kept connections and ends the drain thread (the bodies it read end now). */
  void close() {
    ArrayDeque<SocketChannel> all = new ArrayDeque<>();
    Selector sel;
    synchronized (this) {
      closed = true;
      for (ArrayDeque<SocketChannel> q : idle.values()) {
        all.addAll(q);
      }
      idle.clear();
      sel = selector;
    }
    for (SocketChannel s : all) {
      close(s);
    }
    if (sel != null) {
      sel.wakeup();
    }
  }

  /** The drain thread, if one was started (to wait for its end). */
  synchronized Thread drainer() {
    return drainer;
  }

  static void close(SocketChannel s) {
    try {
      s.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }
}
