import io.vtstatus.WebhookSigner;
import io.vtstatus.WebhookVerificationException;
import io.vtstatus.WebhookVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a webhook signature costs, v1 (HMAC-SHA256) beside v1a (Ed25519, the JDK's), measured
 * side by side in one JVM: signing one delivery, verifying a genuine one, and a forger's worst
 * case, a header of 16 v1a entries (the most the verifier reads) against a verifier holding two
 * public keys. Five rounds, interleaved; the median is printed.
 * Run: make jar && java -cp target/vtstatus.jar src/bench/programs/SigningCost.java
 */
public class SigningCost {
  static final byte[] BODY = ("{\"job\":\"job_0123456789abcdef\",\"result\":\"completed\",\"status\":"
      + "\"completed\",\"updated_at\":\"2026-11-28T17:20:01.123456Z\"}").getBytes(StandardCharsets.UTF_8);
  static final long TS = 1_795_886_401L;
  static volatile Object sink;

  interface Op {
    void run() throws Exception;
  }

  /** Microseconds per call of {@code op}, over about {@code millis} of calls. */
  static double micros(Op op, long millis) throws Exception {
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + millis * 1_000_000L;
    long now;
    do {
      for (int i = 0; i < 16; i++) {
        op.run();
      }
      n += 16;
      now = System.nanoTime();
    } while (now < end);
    return (now - t0) / 1000.0 / n;
  }

  public static void main(String[] args) throws Exception {
    String secret = WebhookSigner.newSecret();
    WebhookSigner.KeyPair pair = WebhookSigner.newKeyPair();
    WebhookSigner.KeyPair other = WebhookSigner.newKeyPair();
    Clock clock = Clock.fixed(Instant.ofEpochSecond(TS), ZoneOffset.UTC);
    WebhookSigner v1Signer = WebhookSigner.of(secret);
    WebhookSigner v1aSigner = WebhookSigner.of(pair.secretKey());
    WebhookVerifier v1 = WebhookVerifier.of(secret).clock(clock);
    WebhookVerifier v1a = WebhookVerifier.of(pair.publicKey()).clock(clock);
    WebhookVerifier twoPublicKeys = WebhookVerifier.of(other.publicKey(), pair.publicKey()).clock(clock);
    String v1Sig = v1Signer.sign("msg_1", TS, BODY);
    String v1aSig = v1aSigner.sign("msg_1", TS, BODY);
    List<String> forged = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      forged.add(WebhookSigner.of(WebhookSigner.newKeyPair().secretKey()).sign("msg_1", TS, BODY));
    }
    String forgedHeader = String.join(" ", forged);
    String ts = Long.toString(TS);
    String[] names = {"v1 sign", "v1a sign", "v1 verify", "v1a verify",
        "forged: 16 v1a entries, 2 public keys"};
    Op[] ops = {
      () -> sink = v1Signer.sign("msg_1", TS, BODY),
      () -> sink = v1aSigner.sign("msg_1", TS, BODY),
      () -> v1.verify("msg_1", ts, v1Sig, BODY),
      () -> v1a.verify("msg_1", ts, v1aSig, BODY),
      () -> {
        try {
          twoPublicKeys.verify("msg_1", ts, forgedHeader, BODY);
          throw new AssertionError("forgery verified");
        } catch (WebhookVerificationException expected) {
          sink = expected;
        }
      },
    };
    for (Op op : ops) {
      micros(op, 300); // warm-up
    }
    double[][] rounds = new double[ops.length][5];
    for (int r = 0; r < 5; r++) {
      for (int i = 0; i < ops.length; i++) {
        rounds[i][r] = micros(ops[i], 400);
      }
    }
    System.out.println("| operation | µs per call (median of 5) | ÷ v1 verify |");
    System.out.println("|---|---|---|");
    double base = median(rounds[2]);
    for (int i = 0; i < ops.length; i++) {
      double m = median(rounds[i]);
      System.out.printf("| %s | %.1f | %.0f× |%n", names[i], m, m / base);
    }
  }

  static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
