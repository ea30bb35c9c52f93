package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.testing.ThreadLeaks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {

  @Test
  void closeLeavesNoSimulatorThread() throws Exception {
    Http.CLIENT.version(); // the test's own client threads exist before the snapshot
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    try (Receiver receiver = new Receiver()) {
      SimulatorServer sim = SimulatorServer.builder()
          .latency(Duration.ofMillis(1), Duration.ofMillis(2)).build().start();
      Http.post(sim.url("/register-webhook"), "{\"url\":\"" + receiver.url() + "\"}");
      String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      assertEquals(200, Http.get(sim.url("/status?job=" + id)).statusCode());
      receiver.take(Duration.ofSeconds(15));
      assertTrue(sim.takeDelivery(Duration.ofSeconds(15)).isPresent());
      sim.close();
      sim.close();
    }
    leaks.assertNoNewThreads();
  }

  @Test
  @EnabledForJreRange(min = JRE.JAVA_21)
  void closeStopsTheWebhookSendersHttpClientAtOnceWhereTheJdkCan() throws Exception {
    Http.CLIENT.version();
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    try (Receiver receiver = new Receiver()) {
      SimulatorServer sim = SimulatorServer.builder().build().start();
      Http.post(sim.url("/register-webhook"), "{\"url\":\"" + receiver.url() + "\"}");
      sim.submit(Duration.ZERO, JobStatus.COMPLETED);
      receiver.take(Duration.ofSeconds(15));
      sim.close();
    }
    leaks.assertHttpClientsWereStopped();
  }

  @Test
  void startTwiceOrAfterCloseIsAnError() throws Exception {
    SimulatorServer sim = SimulatorServer.builder().build();
    assertThrows(IllegalStateException.class, sim::url, "not started");
    sim.start();
    assertThrows(IllegalStateException.class, sim::start);
    sim.close();
    assertThrows(IllegalStateException.class, sim::start);
    assertThrows(IllegalStateException.class, sim::submit);
  }

  @Test
  void urlPortAndPathHelpers() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().build().start()) {
      assertTrue(sim.port() > 0);
      assertEquals("http://127.0.0.1:" + sim.port(), sim.url().toString());
      assertEquals("http://127.0.0.1:" + sim.port() + "/status?job=a", sim.url("status?job=a").toString());
    }
  }

  @Test
  void javaApiSubmitStatusComplete() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder()
        .delay(JobDurations.fixed(Duration.ofHours(1))).build().start()) {
      String id = sim.submit();
      assertEquals(Optional.of(JobStatus.PENDING), sim.status(id));
      assertTrue(sim.complete(id, JobStatus.ERROR));
      assertFalse(sim.complete(id, JobStatus.COMPLETED));
      assertEquals(Optional.of(JobStatus.ERROR), sim.status(id));
      assertEquals(Optional.empty(), sim.status("nope"));
      assertThrows(IllegalArgumentException.class, () -> sim.complete("nope", JobStatus.ERROR));
      assertThrows(IllegalArgumentException.class, () -> sim.complete(id, JobStatus.PENDING));
      assertThrows(IllegalArgumentException.class,
          () -> sim.submit(Duration.ofSeconds(-1), JobStatus.COMPLETED));
      assertEquals(Optional.of(JobStatus.COMPLETED),
          sim.status(sim.submit(Duration.ZERO, JobStatus.COMPLETED)), "due jobs end on read");
    }
  }

  @Test
  void errorRateOneEndsEveryJobInError() throws Exception {
    try (SimulatorServer sim = SimulatorServer.builder().errorRate(1.0)
        .delay(JobDurations.fixed(Duration.ZERO)).build().start()) {
      assertEquals(Optional.of(JobStatus.ERROR), sim.status(sim.submit()));
    }
  }

  @Test
  void seedMakesChoicesReproducible() throws Exception {
    List<String> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      try (SimulatorServer sim = SimulatorServer.builder().seed(7).errorRate(0.5)
          .delay(JobDurations.fixed(Duration.ZERO)).build().start()) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 20; i++) {
          String id = sim.submit();
          b.append(id).append('=').append(sim.status(id).orElseThrow()).append(' ');
        }
        runs.add(b.toString());
      }
    }
    assertEquals(runs.get(0), runs.get(1));
  }

  @Test
  void logHasOneLinePerTransition() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    try (SimulatorServer sim = SimulatorServer.builder().log(log).build().start()) {
      String id = sim.submit(Duration.ofHours(1), JobStatus.COMPLETED);
      sim.complete(id, JobStatus.COMPLETED);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("pending"), text);
    assertTrue(text.contains("completed (by hand)"), text);
  }

  @Test
  void builderRejectsBadValues() {
    SimulatorServer.Builder b = SimulatorServer.builder();
    assertThrows(IllegalArgumentException.class, () -> b.port(-1));
    assertThrows(IllegalArgumentException.class, () -> b.port(65536));
    assertThrows(IllegalArgumentException.class, () -> b.errorRate(1.5));
    assertThrows(IllegalArgumentException.class, () -> b.failRate(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.throttleRate(-0.1));
    assertThrows(IllegalArgumentException.class, () -> b.dropWebhooks(2));
    assertThrows(IllegalArgumentException.class, () -> b.duplicateWebhooks(-1));
    assertThrows(IllegalArgumentException.class, () -> b.webhookRetries(List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> b.webhookRetries(List.of(Duration.ofSeconds(-1))));
    assertThrows(IllegalArgumentException.class, () -> b.webhookTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> b.latency(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> b.host(" "));
    assertThrows(NullPointerException.class, () -> b.delay(null));
  }
}
