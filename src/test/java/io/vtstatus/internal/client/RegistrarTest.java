package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.json.Json;
import io.vtstatus.testing.Recorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Registration on fake time: when it registers, retries and refreshes, and what it keeps. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistrarTest {
  private static final String OURS = "whsec_" + "A".repeat(32);
  private static final String THEIRS = "whsec_" + "B".repeat(32);
  private final FakeScheduler time = new FakeScheduler();
  private final FakeTransport net = new FakeTransport();
  private final Recorder rec = new Recorder();
  private final List<String> secrets = new ArrayList<>();

  private Registrar registrar() {
    return new Registrar(new StatusApi(URI.create("http://server"), net, Clock.systemUTC()), time,
        new SafeListener(rec), URI.create("http://127.0.0.1:9/webhook"), OURS, Duration.ofSeconds(10),
        secrets::addAll, "http://server");
  }

  private List<FakeTransport.Sent> registrations() {
    return net.to("/register-webhook");
  }

  @Test
  void registersAtOnceThenEveryFiveMinutesWithTheServersSecret() throws Exception {
    Registrar r = registrar();
    r.start();
    assertEquals(1, registrations().size());
    String sent = new String(registrations().get(0).call.body().orElseThrow(), StandardCharsets.UTF_8);
    assertEquals(OURS, Json.string(Json.parseObject(sent), "secret").orElseThrow());
    assertEquals("http://127.0.0.1:9/webhook", Json.string(Json.parseObject(sent), "url").orElseThrow());
    assertFalse(r.registered());
    registrations().get(0).answer(200, "{\"webhook\":\"wh_1\",\"secret\":\"" + THEIRS + "\"}");
    assertTrue(r.registered());
    assertEquals(List.of(THEIRS), secrets, "the server's secret is the one deliveries carry");
    time.advance(Duration.ofMinutes(5).minusMillis(1));
    assertEquals(1, registrations().size());
    time.advance(Duration.ofMillis(1));
    assertEquals(2, registrations().size(), "servers forget registrations when they restart");
    // The original server answers 200 with no JSON at all: our own secret stands.
    registrations().get(1).answer(200, "ok");
    assertEquals(List.of(THEIRS, OURS), secrets);
    time.advance(Duration.ofMinutes(5));
    assertEquals(3, registrations().size());
  }

  @Test
  void failuresAreReportedAndRetriedWithBackoffWhilePollingGoesOn() throws Exception {
    Registrar r = registrar();
    r.start();
    registrations().get(0).answer(503, "{\"error\":\"busy\"}");
    String outcome = rec.awaitRegistration(Duration.ZERO);
    assertTrue(outcome.startsWith("failed"), outcome);
    assertFalse(r.registered());
    long[] gapsMs = {1000, 2000, 4000, 8000};
    for (int i = 0; i < gapsMs.length; i++) {
      time.advance(Duration.ofMillis(gapsMs[i] - 1));
      assertEquals(i + 1, registrations().size(), "retry " + (i + 1) + " came early");
      time.advance(Duration.ofMillis(1));
      assertEquals(i + 2, registrations().size(), "retry " + (i + 1) + " did not come");
      registrations().get(i + 1).reply.completeExceptionally(new java.net.ConnectException("refused"));
    }
    time.advance(Duration.ofSeconds(16));
    registrations().get(gapsMs.length + 1).answer(201, "{}");
    assertTrue(r.registered());
  }

  @Test
  void aLostJobRegistersAgainOncePerTenSecondsWhateverTheStorm() {
    Registrar r = registrar();
    r.start();
    registrations().get(0).answer(200, "{}");
    for (int i = 0; i < 100; i++) {
      r.refreshSoon();
      net.open().forEach(s -> s.answer(200, "{}"));
    }
    assertEquals(2, registrations().size(), "one refresh for a storm of 404s");
    time.advance(Duration.ofSeconds(10));
    r.refreshSoon();
    assertEquals(3, registrations().size());
  }

  @Test
  void stopCancelsTheRequestInFlightAndEveryTimer() {
    Registrar r = registrar();
    r.start();
    FakeTransport.Sent first = registrations().get(0);
    r.stop();
    assertTrue(first.reply.isCancelled());
    assertEquals(0, time.pending());
    r.refreshSoon();
    time.advance(Duration.ofHours(1));
    assertEquals(1, registrations().size());
  }
}
