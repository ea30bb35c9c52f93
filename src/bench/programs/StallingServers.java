import io.vtstatus.JobResult;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The deadline promise against a server that sends its headers and then stalls the body:
 * how late the latest of 300 watches (1 s timeout) ends, how long {@code await(2 s)} takes, and
 * how long {@code close()} takes with every request stuck in flight. Five rounds each.
 * Run: java -cp target/vtstatus.jar src/bench/programs/StallingServers.java
 */
public class StallingServers {
  /** Accepts, reads a request head, answers headers and 9 of 100 body bytes, then nothing. */
  static final class Staller implements AutoCloseable {
    final ServerSocket ss = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
    final List<Socket> held = new CopyOnWriteArrayList<>();

    Staller() throws IOException {
      Thread t = new Thread(() -> {
        while (!ss.isClosed()) {
          try {
            Socket s = ss.accept();
            held.add(s);
            Thread h = new Thread(() -> serve(s));
            h.setDaemon(true);
            h.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    void serve(Socket s) {
      try {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        int last4 = 0;
        while (last4 != 0x0d0a0d0a) {
          int b = in.read();
          if (b < 0) {
            return;
          }
          last4 = (last4 << 8) | b;
        }
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            + "{\"result\"").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in.read();
      } catch (IOException e) {
        // closed
      }
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + ss.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      ss.close();
      for (Socket s : held) {
        s.close();
      }
    }
  }

  static String ms(double[] v) {
    Arrays.sort(v);
    return String.format("median %.0f ms, max %.0f ms", v[v.length / 2], v[v.length - 1]);
  }

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    double[] latest = new double[rounds];
    double[] await2s = new double[rounds];
    double[] close = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      try (Staller s = new Staller()) {
        try (StatusClient c = StatusClient.builder(s.url()).webhook(WebhookOptions.disabled())
            .pollSchedule(PollSchedule.fixed(Duration.ofMillis(100))).build()) {
          List<CompletableFuture<JobResult>> fs = new ArrayList<>();
          long[] late = new long[1];
          for (int i = 0; i < 300; i++) {
            long due = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            fs.add(c.watch("job-" + i, Duration.ofSeconds(1)).whenComplete((x, e) -> {
              synchronized (late) {
                late[0] = Math.max(late[0], System.nanoTime() - due);
              }
            }));
          }
          CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).handle((x, e) -> null)
              .get(60, TimeUnit.SECONDS);
          synchronized (late) {
            latest[r] = late[0] / 1e6;
          }
          long t0 = System.nanoTime();
          try {
            c.await("one", Duration.ofSeconds(2));
          } catch (JobTimeoutException e) {
            await2s[r] = (System.nanoTime() - t0) / 1e6;
          }
        }
        StatusClient c = StatusClient.builder(s.url()).pollSchedule(ctx -> Duration.ZERO).build();
        for (int i = 0; i < 20; i++) {
          c.watch("stuck-" + i, Duration.ofMinutes(5));
        }
        long t1 = System.nanoTime();
        c.close();
        close[r] = (System.nanoTime() - t1) / 1e6;
      }
    }
    System.out.println("300 watches (1 s timeout), the latest past its own deadline: " + ms(latest));
    System.out.println("await(job, 2 s): returned after " + ms(await2s));
    System.out.println("close() with 20 watches and 10 requests stuck in flight: " + ms(close));
  }
}
