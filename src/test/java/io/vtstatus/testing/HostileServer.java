package io.vtstatus.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw-socket HTTP server on loopback that misbehaves the way real servers and networks do:
 * it answers some requests properly and stalls, trickles or swallows others. Each request is
 * read whole (head and {@code Content-Length} body), then handed to a {@link Behaviour}.
 * {@link #close()} closes every socket it holds.
 */
public final class HostileServer implements AutoCloseable {
  /** What to do with one request. */
  @FunctionalInterface
  public interface Behaviour {
    void handle(Request request, OutputStream out, HostileServer server) throws IOException;
  }

  /** The request line and head as read. */
  public record Request(String method, String target, String head, byte[] body) {
    /** The path and query: {@code /status?job=x}. */
    public String path() {
      return target;
    }
  }

  private final ServerSocket socket;
  private final Behaviour behaviour;
  private final ExecutorService connections =
      Executors.newCachedThreadPool(daemon("test-hostile-conn"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(daemon("test-hostile-timer"));
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  /** Requests read so far, by path prefix: {@code GET /status}, {@code POST /register-webhook}. */
  public final List<String> requests = new CopyOnWriteArrayList<>();

  private HostileServer(ServerSocket socket, Behaviour behaviour, boolean accept) {
    this.socket = socket;
    this.behaviour = behaviour;
    if (accept) {
      Thread t = new Thread(this::acceptLoop, "test-hostile-accept");
      t.setDaemon(true);
      t.start();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A server on a free loopback port that treats every request with {@code behaviour}. */
  public static HostileServer start(Behaviour behaviour) throws IOException {
    return new HostileServer(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()), behaviour, true);
  }

  /**
   * A port that is bound and listening but never accepts: connections complete in the kernel's
   * backlog and then nothing ever answers.
   */
  public static HostileServer neverAccepting() throws IOException {
    return new HostileServer(new ServerSocket(0, 1024, InetAddress.getLoopbackAddress()), null, false);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      Socket s;
      try {
        s = socket.accept();
      } catch (IOException e) {
        return;
      }
      open.add(s);
      connections.execute(() -> serve(s));
    }
  }

  private void serve(Socket s) {
    try {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (true) {
        Request r = read(in);
        if (r == null) {
          return;
        }
        requests.add(r.method() + " " + r.target());
        behaviour.handle(r, out, this);
        out.flush();
      }
    } catch (IOException e) {
      // The client went away or we were closed.
    }
  }

  private static Request read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      last4 = (last4 << 8) | b;
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    String[] line = h.substring(0, h.indexOf('\r')).split(" ");
    int length = 0;
    for (String l : h.split("\r\n")) {
      if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Request(line[0], line.length > 1 ? line[1] : "", h, body);
  }

  // ---------------------------------------------------------------- behaviours

  /** A complete answer with a JSON body. */
  public static void answer(OutputStream out, int status, String json, String... extraHeaders)
      throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder h = new StringBuilder("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n");
    for (String x : extraHeaders) {
      h.append(x).append("\r\n");
    }
    h.append("Content-Length: ").append(b.length).append("\r\n\r\n");
    out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
    out.write(b);
    out.flush();
  }

  /** Sends the head and the first bytes of a 100-byte body, then nothing, ever. */
  public static final Behaviour STALL_BODY = (r, out, server) -> {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"result\"")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    server.hold();
  };

  /** Reads the request and never answers. */
  public static final Behaviour BLACK_HOLE = (r, out, server) -> server.hold();

  /** Sends the head, then one byte of the body every {@code every}: never done before a timeout. */
  public static Behaviour trickle(Duration every) {
    return (r, out, server) -> {
      out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      server.timers.scheduleAtFixedRate(() -> {
        try {
          out.write(' ');
          out.flush();
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
      server.hold();
    };
  }

  /** Answers {@code GET /status…} with {@code word} for whatever job was asked. */
  public static Behaviour status(String word) {
    return (r, out, server) -> {
      String job = r.target().contains("job=") ? r.target().substring(r.target().indexOf("job=") + 4) : "default";
      answer(out, 200, "{\"job\":\"" + job + "\",\"result\":\"" + word + "\",\"status\":\"" + word + "\"}");
    };
  }

  /** Keeps this connection's thread parked until the server closes (no answer, no read). */
  private void hold() throws IOException {
    synchronized (this) {
      while (!socket.isClosed()) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted");
        }
      }
    }
    throw new IOException("closed");
  }

  /** How many connections were accepted. */
  public int connections() {
    return open.size();
  }

  /**
   * How many accepted connections the client has not closed: each is probed with a one-byte
   * read that times out at once if the peer is still there. Only for connections whose
   * handlers are parked (stalled or black-holed), which never read again themselves.
   */
  public int openConnections() throws IOException {
    int n = 0;
    for (Socket s : open) {
      if (s.isClosed()) {
        continue;
      }
      s.setSoTimeout(1);
      try {
        if (s.getInputStream().read() >= 0) {
          n++;
        }
      } catch (java.net.SocketTimeoutException e) {
        n++;
      } catch (IOException e) {
        // Reset by the peer: closed.
      }
    }
    return n;
  }

  /**
   * Waits up to {@code timeout} for the client to close every accepted connection (reading each
   * until its end, as {@link #openConnections} does: the same parked handlers only), and returns
   * how many are open then. The client may finish closing a moment after its {@code close()}
   * returns (Java 21's {@code HttpClient.shutdownNow()} aborts its exchanges asynchronously).
   */
  public int awaitNoOpenConnections(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Socket s : open) {
      while (!s.isClosed()) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        try {
          if (s.getInputStream().read() < 0) {
            break;
          }
        } catch (IOException endedOrTimedOut) {
          break;
        }
      }
    }
    return openConnections();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    synchronized (this) {
      notifyAll();
    }
    for (Socket s : open) {
      s.close();
    }
    timers.shutdownNow();
    connections.shutdownNow();
  }
}
