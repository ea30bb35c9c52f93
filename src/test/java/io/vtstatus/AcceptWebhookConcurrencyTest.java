package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.Closer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link StatusClient#acceptWebhook} from 8 threads at once, 10,000 deliveries each: every valid
 * delivery is acted on exactly once (each is sent twice, by two threads), every forged one is
 * refused, and every call returns. The time each call took is printed (docs/BENCHMARKS.md), not
 * asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AcceptWebhookConcurrencyTest {
  static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  static final int THREADS = 8;
  static final int PER_THREAD = 10_000;
  /** Every 50th delivery of a thread is forged. */
  static final int FORGED_EVERY = 50;

  @RegisterExtension final Closer closer = new Closer();

  @Test
  void everyValidDeliveryCountsOnceAndEveryCallReturns() throws Exception {
    Set<String> acted = ConcurrentHashMap.newKeySet();
    AtomicInteger twice = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    int forgedPerThread = PER_THREAD / FORGED_EVERY;
    int distinctValid = THREADS / 2 * (PER_THREAD - forgedPerThread);
    CountDownLatch all = new CountDownLatch(distinctValid);
    JobListener l = new JobListener() {
      @Override
      public void webhookForUnwatchedJob(String jobId, Map<String, List<String>> h, byte[] b) {
        if (acted.add(jobId)) {
          all.countDown();
        } else {
          twice.incrementAndGet();
        }
      }

      @Override
      public void webhookRejected(int httpStatus, String reason) {
        rejected.incrementAndGet();
      }
    };
    // Nothing answers at this address: no watch polls, and nothing is registered.
    StatusClient c = closer.add(StatusClient.builder(URI.create("http://127.0.0.1:9"))
        .webhook(WebhookOptions.inbound().secret(SECRET)).listener(l).build());
    WebhookSigner signer = WebhookSigner.of(SECRET);
    WebhookSigner forger = WebhookSigner.of("whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=");
    long ts = Instant.now().getEpochSecond();
    // Threads 2k and 2k+1 send the same deliveries, in opposite orders.
    List<List<Object[]>> work = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<Object[]> mine = new ArrayList<>(PER_THREAD);
      for (int i = 0; i < PER_THREAD; i++) {
        int n = t % 2 == 0 ? i : PER_THREAD - 1 - i;
        boolean forged = n % FORGED_EVERY == 0;
        String job = "job-" + (t / 2) + "-" + n;
        String id = forged ? "forged-" + t + "-" + n : "msg-" + job;
        byte[] body = ("{\"job\":\"" + job + "\",\"status\":\"completed\"}").getBytes(StandardCharsets.UTF_8);
        String sig = (forged ? forger : signer).sign(id, ts, body);
        mine.add(new Object[] {Map.of("webhook-id", List.of(id), "webhook-timestamp",
            List.of(Long.toString(ts)), "webhook-signature", List.of(sig)), body, forged});
      }
      work.add(mine);
    }
    long[][] nanos = new long[THREADS][PER_THREAD];
    AtomicInteger wrongCodes = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int me = t;
      Thread th = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < PER_THREAD; i++) {
          Object[] d = work.get(me).get(i);
          @SuppressWarnings("unchecked")
          Map<String, List<String>> h = (Map<String, List<String>>) d[0];
          long t0 = System.nanoTime();
          int code = c.acceptWebhook(h, (byte[]) d[1]);
          nanos[me][i] = System.nanoTime() - t0;
          if (code != ((Boolean) d[2] ? 401 : 204)) {
            wrongCodes.incrementAndGet();
          }
        }
      }, "accept-webhook-" + t);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    go.countDown();
    for (Thread th : threads) {
      th.join(TimeUnit.SECONDS.toMillis(100));
      assertFalse(th.isAlive(), th.getName() + " returned");
    }
    assertTrue(all.await(60, TimeUnit.SECONDS), "acted on: " + acted.size() + " of " + distinctValid);
    assertEquals(0, wrongCodes.get(), "204 for each valid delivery and its copy, 401 for forgeries");
    assertEquals(distinctValid, acted.size());
    assertEquals(0, twice.get(), "a delivery and its copy act once");
    assertEquals(THREADS * forgedPerThread, rejected.get());
    long[] flat = Arrays.stream(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf("acceptWebhook, %d threads x %d deliveries: p50 %.1f us, p99 %.1f us,"
        + " max %.1f ms%n", THREADS, PER_THREAD, flat[flat.length / 2] / 1e3,
        flat[(int) (flat.length * 0.99)] / 1e3, flat[flat.length - 1] / 1e6);
  }
}
