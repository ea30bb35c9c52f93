package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobListener;
import io.vtstatus.JobStatus;
import io.vtstatus.WebhookOptions;
import io.vtstatus.WebhookSigner;
import io.vtstatus.internal.json.JsonPointer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one path of every delivery, without sockets: what it answers and what it hands in. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookIntakeTest {
  private static final long NOW = 1_750_000_000L;
  private static final String SECRET = "whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OWFiY2RlZg==";
  private static final String OTHER = "whsec_b3RoZXItc2VjcmV0LTAxMjM0NTY3ODlhYmNkZWY=";
  private static final byte[] DONE = utf8("{\"job\":\"j1\",\"status\":\"completed\"}");

  private final List<String> handed = new ArrayList<>();
  private final List<Delivery> raws = new ArrayList<>();
  private final List<String> rejected = new ArrayList<>();
  private final AtomicInteger askedForKeys = new AtomicInteger();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The keys of the intake built last. */
  private TrustedKeys keys;

  private WebhookIntake intake(WebhookOptions o, WebhookScheme scheme, ProtocolSpec p, int maxBody) {
    keys = TrustedKeys.of(o);
    return new WebhookIntake((job, event, verified, raw) -> {
      handed.add(job + " " + event.status() + " " + verified);
      raws.add(raw);
    }, new JobListener() {
      @Override
      public void webhookRejected(int httpStatus, String reason) {
        rejected.add(httpStatus + " " + reason);
      }
    }, keys, scheme, p, Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC), maxBody,
        askedForKeys::incrementAndGet);
  }

  private WebhookIntake standard() {
    return intake(WebhookOptions.inbound().secret(SECRET), WebhookScheme.STANDARD,
        ProtocolSpec.VTSTATUS, 64);
  }

  private static Map<String, List<String>> signed(String secret, String id, long ts, byte[] body) {
    Map<String, List<String>> h = new HashMap<>();
    h.put("webhook-id", List.of(id));
    h.put("webhook-timestamp", List.of(Long.toString(ts)));
    h.put("webhook-signature", List.of(WebhookSigner.of(secret).sign(id, ts, body)));
    return h;
  }

  /** Checks, then runs what the verdict says to do; returns the code. */
  private int deliver(WebhookIntake in, Map<String, List<String>> h, byte[] body) {
    WebhookIntake.Verdict v = in.check(h, body);
    if (v.code() >= 400) {
      assertNotNull(v.reason());
      assertNull(v.act());
    } else {
      assertNull(v.reason());
    }
    if (v.act() != null) {
      v.act().run();
    }
    return v.code();
  }

  @Test
  void aVerifiedDeliveryIsHandedInOnceWithItsRawCopy() {
    WebhookIntake in = standard();
    Map<String, List<String>> h = signed(SECRET, "msg_1", NOW, DONE);
    byte[] body = DONE.clone();
    assertEquals(204, deliver(in, h, body));
    assertEquals(List.of("j1 COMPLETED true"), handed);
    body[0] = 'x';
    h.put("webhook-id", List.of("changed"));
    assertArrayEquals(DONE, raws.get(0).body(), "a copy of the bytes");
    assertEquals(List.of("msg_1"), raws.get(0).headers().get("webhook-id"), "and of the headers");
    assertThrows(UnsupportedOperationException.class, () -> raws.get(0).headers().clear());
    assertThrows(UnsupportedOperationException.class,
        () -> raws.get(0).headers().get("webhook-id").add("x"));
    assertEquals(204, deliver(in, signed(SECRET, "msg_1", NOW, DONE), DONE), "a retry");
    assertEquals(1, handed.size(), "not handed in twice");
    assertEquals(List.of(), rejected);
    assertEquals(0, askedForKeys.get());
  }

  @Test
  void anUnsignedDeliveryIsAHint() {
    WebhookIntake in = standard();
    assertEquals(202, deliver(in, Map.of("Content-Type", List.of("application/json")), DONE));
    assertEquals(202, deliver(in, null, DONE), "no headers at all");
    assertEquals(List.of("j1 COMPLETED false", "j1 COMPLETED false"), handed, "hints are not deduplicated");
  }

  @Test
  void withoutAKeyASignedDeliveryIsAHint() {
    WebhookIntake in = intake(WebhookOptions.inbound(), WebhookScheme.STANDARD, ProtocolSpec.VTSTATUS, 64);
    assertEquals(202, deliver(in, signed(SECRET, "msg_1", NOW, DONE), DONE));
    assertEquals(List.of("j1 COMPLETED false"), handed);
    keys.use(List.of(SECRET), NOW);
    assertEquals(204, deliver(in, signed(SECRET, "msg_2", NOW, DONE), DONE), "once the server's keys are known");
  }

  @Test
  void refusalsSayWhyAndChangeNothing() {
    WebhookIntake in = standard();
    Map<String, List<String>> partial = signed(SECRET, "msg_p", NOW, DONE);
    partial.remove("webhook-signature");
    assertEquals(400, deliver(in, partial, DONE));
    Map<String, List<String>> empty = signed(SECRET, "m", NOW, DONE);
    empty.put("webhook-id", List.of(""));
    assertEquals(400, deliver(in, empty, DONE), "empty id");
    Map<String, List<String>> tooLong = signed(SECRET, "m", NOW, DONE);
    tooLong.put("webhook-id", List.of("m".repeat(257)));
    assertEquals(400, deliver(in, tooLong, DONE), "id too long");
    String okId = "m".repeat(256);
    assertEquals(204, deliver(in, signed(SECRET, okId, NOW, DONE), DONE), "the longest id");
    Map<String, List<String>> twoIds = signed(SECRET, "msg_t", NOW, DONE);
    twoIds.put("Webhook-Id", List.of("msg_u"));
    assertEquals(400, deliver(in, twoIds, DONE), "two different ids");
    Map<String, List<String>> badTs = signed(SECRET, "msg_b", NOW, DONE);
    badTs.put("webhook-timestamp", List.of("soon"));
    assertEquals(400, deliver(in, badTs, DONE), "malformed timestamp");
    assertEquals(0, askedForKeys.get());
    assertEquals(401, deliver(in, signed(SECRET, "msg_s", NOW - 301, DONE), DONE), "stale");
    assertEquals(0, askedForKeys.get(), "a stale delivery says nothing about keys");
    assertEquals(401, deliver(in, signed(OTHER, "msg_f", NOW, DONE), DONE), "forged");
    assertEquals(1, askedForKeys.get(), "a bad signature may mean new keys");
    assertEquals(400, deliver(in, null, null));
    assertEquals(413, deliver(in, Map.of(), new byte[65]));
    assertEquals(400, deliver(in, Map.of(), new byte[] {'{', (byte) 0xc3, '}'}), "not UTF-8");
    assertEquals(400, deliver(in, Map.of(), utf8("{\"job\":\"j1\"}")), "no status");
    assertEquals(400, deliver(in, Map.of(), utf8("{\"job\":\"a b\",\"status\":\"completed\"}")), "bad id");
    assertEquals(List.of("j1 COMPLETED true"), handed, "the longest id only");
    assertEquals(List.of("400 webhook-id, webhook-timestamp and webhook-signature go together"),
        rejected.subList(0, 1));
    assertTrue(rejected.contains("413 body over 64 bytes"), rejected.toString());
    assertEquals(12, rejected.size(), rejected.toString());
    assertEquals(204, deliver(in, signed(SECRET, "msg_t", NOW, DONE), DONE),
        "refused ids are not remembered");
  }

  @Test
  void aBodyOfExactlyTheBoundIsRead() {
    WebhookIntake in = standard();
    byte[] padded = utf8(String.format("%-64s", "{\"job\":\"j1\",\"status\":\"error\"}"));
    assertEquals(64, padded.length);
    assertEquals(64, in.maxBody());
    assertEquals(202, deliver(in, Map.of(), padded));
    assertEquals(List.of("j1 ERROR false"), handed);
  }

  @Test
  void aStateThatEndsNothingIsAcknowledgedAndHandedInAsProgress() {
    WebhookIntake in = standard();
    byte[] pending = utf8("{\"job\":\"j1\",\"status\":\"pending\"}");
    assertEquals(204, deliver(in, signed(SECRET, "msg_1", NOW, pending), pending));
    assertEquals(202, deliver(in, Map.of(), pending));
    assertEquals(List.of("j1 PENDING true", "j1 PENDING false"), handed);
  }

  @Test
  void aMapThatThrowsIsAnUnreadableDelivery() {
    Map<String, List<String>> broken = new AbstractMap<>() {
      @Override
      public Set<Entry<String, List<String>>> entrySet() {
        throw new IllegalStateException("broken");
      }
    };
    assertEquals(400, deliver(standard(), broken, DONE));
    assertEquals(List.of("400 unreadable delivery (IllegalStateException)"), rejected);
  }

  @Test
  void aRotationSeenInAVerifiedDeliveryAsksForKeysOnce() {
    WebhookIntake in = standard();
    for (int i = 0; i < 3; i++) {
      String id = "msg_" + i;
      Map<String, List<String>> h = signed(SECRET, id, NOW, DONE);
      h.put("webhook-signature", List.of(WebhookSigner.of(List.of(OTHER, SECRET)).sign(id, NOW, DONE)));
      assertEquals(204, deliver(in, h, DONE));
    }
    assertEquals(1, askedForKeys.get());
    assertEquals(3, handed.size(), "three ids, three deliveries");
  }

  @Test
  void aSharedHeaderVerifiesAndIsNotDeduplicated() {
    WebhookIntake in = intake(WebhookOptions.inbound(), WebhookScheme.sharedHeader("X-Auth", "v4lue"),
        ProtocolSpec.VTSTATUS, 64);
    assertEquals(401, deliver(in, Map.of(), DONE));
    assertEquals(401, deliver(in, signed(SECRET, "msg_1", NOW, DONE), DONE));
    assertEquals(List.of("401 missing or wrong shared header", "401 missing or wrong shared header"),
        rejected);
    Map<String, List<String>> h = new HashMap<>(Map.of("x-auth", List.of("v4lue"), "webhook-id", List.of("m")));
    assertEquals(204, deliver(in, h, DONE));
    assertEquals(204, deliver(in, h, DONE));
    assertEquals(List.of("j1 COMPLETED true", "j1 COMPLETED true"), handed);
  }

  @Test
  void unsignedAndCheckedSchemes() {
    WebhookIntake unsigned = intake(WebhookOptions.inbound(), WebhookScheme.UNSIGNED, ProtocolSpec.VTSTATUS, 64);
    assertEquals(202, deliver(unsigned, signed(SECRET, "msg_1", NOW, DONE), DONE), "signed or not");
    List<byte[]> seen = new ArrayList<>();
    WebhookIntake checked = intake(WebhookOptions.inbound(), WebhookScheme.check((h, b) -> {
      seen.add(b);
      return h.containsKey("ok");
    }), ProtocolSpec.VTSTATUS, 64);
    assertEquals(401, deliver(checked, Map.of(), DONE));
    assertEquals(204, deliver(checked, Map.of("ok", List.of()), DONE));
    assertArrayEquals(DONE, seen.get(1));
    assertEquals(List.of("j1 COMPLETED false", "j1 COMPLETED true"), handed);
    assertEquals(List.of("401 refused by the webhook check"), rejected);
  }

  @Test
  void aDeclaredProtocolReadsItsOwnShape() {
    WebhookIntake in = intake(WebhookOptions.inbound().secret(SECRET), WebhookScheme.STANDARD,
        replicateSpec(), 1024);
    byte[] b = utf8("{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":\"o\"}");
    assertEquals(204, deliver(in, signed(SECRET, "msg_1", NOW, b), b));
    assertEquals(List.of("p1 COMPLETED true"), handed);
    assertEquals(400, deliver(in, signed(SECRET, "msg_2", NOW, DONE), DONE), "vtstatus's shape is not Replicate's");
    WebhookIntake none = intake(WebhookOptions.inbound(), WebhookScheme.UNSIGNED, declared(), 1024);
    assertEquals(400, deliver(none, Map.of(), b));
    assertEquals("400 protocol json declares no webhook body", rejected.get(1));
  }

  private static ProtocolSpec declared() {
    return new ProtocolSpec("json", UrlTemplate.compile("/j/{id}"), JsonPointer.compile("/status"),
        Map.of("starting", JobStatus.PENDING, "succeeded", JobStatus.COMPLETED, "failed", JobStatus.ERROR),
        Optional.empty(), Optional.empty(), Optional.empty(), ChronoUnit.MILLIS, Optional.empty(), false);
  }

  private static ProtocolSpec replicateSpec() {
    return declared().withWebhook(new WebhookShape(JsonPointer.compile("/id"),
        Optional.of(JsonPointer.compile("/status")), Optional.empty(), Map.of(),
        Optional.of(JsonPointer.compile("/output")), Optional.empty()));
  }
}
