package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.ThreadLeaks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The simulator's plain-HTTP webhook sender: keep-alive, stale connections, bodies, deadlines. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WireTest {
  private static final byte[] BODY = "{\"job\":\"j1\"}".getBytes(StandardCharsets.UTF_8);

  /** A loopback server: each accepted connection is handed to {@code serve} on its own thread. */
  static final class Server implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger accepted = new AtomicInteger();
    final LinkedBlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    Server(BiConsumer<Server, Socket> serve) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            accepted.incrementAndGet();
            Thread t = new Thread(() -> serve.accept(this, s), "test-wire-conn");
            t.setDaemon(true);
            t.start();
          } catch (IOException e) {
            return;
          }
        }
      }, "test-wire-accept");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/hook?x=1");
    }

    /** Reads one request (head and a Content-Length body); null at end of stream. */
    String read(InputStream in) throws IOException {
      StringBuilder head = new StringBuilder();
      int c;
      while (!head.toString().endsWith("\r\n\r\n")) {
        if ((c = in.read()) < 0) {
          return null;
        }
        head.append((char) c);
      }
      String h = head.toString();
      int i = h.toLowerCase().indexOf("content-length: ");
      int n = Integer.parseInt(h.substring(i + 16, h.indexOf('\r', i)).trim());
      byte[] body = in.readNBytes(n);
      String r = h + new String(body, StandardCharsets.UTF_8);
      requests.add(r);
      return r;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** Records what the attempt's side hears. */
  static final class Side implements Wire.Exchange {
    final AtomicReference<SocketChannel> channel = new AtomicReference<>();
    volatile int code;
    final CountDownLatch drained = new CountDownLatch(1);

    @Override
    public void using(SocketChannel ch) {
      channel.set(ch);
    }

    @Override
    public void headersIn(int c) {
      code = c;
    }

    @Override
    public boolean release() {
      return true;
    }

    @Override
    public void drained() {
      drained.countDown();
    }
  }

  private static byte[] request(URI url) {
    byte[] r = Attempt.plainRequest(url, List.of(new String[] {"Content-Type", "application/json"},
        new String[] {"webhook-id", "msg_1"}), BODY);
    assertNotNull(r);
    return r;
  }

  private static long deadline() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
  }

  @Test
  void keepsTheConnectionForTheNextAttemptAndSendsOneWellFormedRequest() throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    try (Server server = new Server((srv, s) -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        while (srv.read(in) != null) {
          out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException e) {
        // Closed.
      }
    })) {
      Wire wire = new Wire(Duration.ofSeconds(5));
      for (int i = 0; i < 3; i++) {
        Side side = new Side();
        assertTrue(wire.send(server.url(), request(server.url()), deadline(), side));
        assertEquals(204, side.code);
      }
      assertEquals(1, server.accepted.get(), "one connection for three attempts");
      String r = server.requests.take();
      assertTrue(r.startsWith("POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.socket.getLocalPort()
          + "\r\nContent-Type: application/json\r\nwebhook-id: msg_1\r\nContent-Length: "
          + BODY.length + "\r\n\r\n{\"job\":\"j1\"}"), r);
      wire.close();
      assertNull(wire.drainer(), "no body to drain, no drain thread");
    }
    leaks.assertNoNewThreads();
  }

  @Test
  void aKeptConnectionTheReceiverClosedIsReplacedOnce() throws Exception {
    CountDownLatch closed = new CountDownLatch(1);
    try (Server server = new Server((srv, s) -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        srv.read(in);
        // Says nothing of closing: the sender keeps it, and finds it closed next time.
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException e) {
        // Closed.
      } finally {
        closed.countDown();
      }
    })) {
      Wire wire = new Wire(Duration.ofSeconds(5));
      Side first = new Side();
      assertTrue(wire.send(server.url(), request(server.url()), deadline(), first));
      assertTrue(first.channel.get().isOpen(), "kept");
      assertTrue(closed.await(10, TimeUnit.SECONDS));
      Side second = new Side();
      assertTrue(wire.send(server.url(), request(server.url()), deadline(), second));
      assertEquals(200, second.code);
      assertEquals(2, server.accepted.get());
      wire.close();
    }
  }

  @Test
  void aBodyStillToComeIsDrainedOffTheSenderThread() throws Exception {
    CountDownLatch headersSent = new CountDownLatch(1);
    CountDownLatch sendBody = new CountDownLatch(1);
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    try (Server server = new Server((srv, s) -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        srv.read(in);
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        headersSent.countDown();
        sendBody.await();
        out.write("hello".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        in.read();
      } catch (IOException | InterruptedException e) {
        // Closed.
      }
    })) {
      Wire wire = new Wire(Duration.ofSeconds(5));
      Side side = new Side();
      assertFalse(wire.send(server.url(), request(server.url()), deadline(), side),
          "the answer is not over: its body drains on");
      assertEquals(200, side.code);
      assertEquals(1, side.drained.getCount());
      sendBody.countDown();
      assertTrue(side.drained.await(10, TimeUnit.SECONDS));
      assertNotNull(wire.drainer());
      wire.close();
      wire.drainer().join(5_000);
      assertFalse(wire.drainer().isAlive());
    }
    leaks.assertNoNewThreads();
  }

  @Test
  void interimAnswersAreSkippedForTheFinalOne() throws Exception {
    try (Server server = new Server((srv, s) -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        srv.read(in);
        out.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        out.write("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        in.read();
      } catch (IOException e) {
        // Closed.
      }
    })) {
      Wire wire = new Wire(Duration.ofSeconds(5));
      Side side = new Side();
      assertTrue(wire.send(server.url(), request(server.url()), deadline(), side));
      assertEquals(202, side.code);
      wire.close();
    }
  }

  @Test
  void aReceiverThatNeverAnswersTimesOutWhenTheDeadlineClosesTheChannel() throws Exception {
    try (Server server = new Server((srv, s) -> {
      try (s; InputStream in = s.getInputStream()) {
        srv.read(in);
        in.read();
      } catch (IOException e) {
        // Closed.
      }
    })) {
      Wire wire = new Wire(Duration.ofSeconds(5));
      Side side = new Side();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
      Thread cutter = new Thread(() -> {
        try {
          server.requests.take();
          while (System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
          }
          Wire.close(side.channel.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "test-wire-cut");
      cutter.start();
      assertThrows(HttpTimeoutException.class,
          () -> wire.send(server.url(), request(server.url()), deadline, side));
      assertEquals(0, side.code);
      cutter.join();
      wire.close();
    }
  }

  @Test
  void whatTheWireCannotSendAsItIsGoesToTheJdkClient() {
    List<String[]> ok = List.<String[]>of(new String[] {"Content-Type", "application/json"});
    assertNull(Attempt.plainRequest(URI.create("https://example.test/hook"), ok, BODY));
    assertNull(Attempt.plainRequest(URI.create("http://u:p@127.0.0.1:9/hook"), ok, BODY));
    assertNull(Attempt.plainRequest(URI.create("http://127.0.0.1:9/hook"),
        List.<String[]>of(new String[] {"X-Evil", "a\r\nInjected: yes"}), BODY));
    assertNull(Attempt.plainRequest(URI.create("http://127.0.0.1:9/hook"),
        List.<String[]>of(new String[] {"Bad Name", "v"}), BODY));
    assertNull(Attempt.plainRequest(URI.create("http://127.0.0.1:9/hook"),
        List.<String[]>of(new String[] {"Content-Length", "0"}), BODY));
    assertNotNull(Attempt.plainRequest(URI.create("http://[::1]:9/"), ok, BODY));
  }
}
