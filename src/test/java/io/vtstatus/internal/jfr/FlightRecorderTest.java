package io.vtstatus.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.WebhookOptions;
import io.vtstatus.internal.webhook.Signatures;
import io.vtstatus.simulator.SimulatorServer;
import io.vtstatus.testing.Recorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flight Recorder events, recorded in this JVM around a real client and simulator and read
 * back from the dumped file: their names and fields are a contract with operators' recordings
 * and dashboards, and no event may carry a secret.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlightRecorderTest {
  static final List<String> NAMES = List.of("io.vtstatus.Poll", "io.vtstatus.Webhook",
      "io.vtstatus.WatchEnded", "io.vtstatus.Registration");
  /** What every JFR event carries besides its own fields. */
  static final Set<String> IMPLICIT = Set.of("startTime", "duration", "eventThread", "stackTrace");

  @Test
  void aRunRecordsEachEventWithItsFieldsAndNoSecret(@TempDir Path dir) throws Exception {
    assertTrue(Flight.available(), "the JDK running the tests has jdk.jfr");
    String secret = Signatures.newSecret();
    String apiKey = "api-key-that-must-not-be-recorded";
    Path file = dir.resolve("run.jfr");
    JobResult byWebhook;
    JobResult byPoll;
    String timedOut;
    try (Recording rec = new Recording()) {
      for (String n : NAMES) {
        rec.enable(n).withoutThreshold();
      }
      rec.start();
      try (SimulatorServer sim = SimulatorServer.builder().apiKey(apiKey).build().start()) {
        Recorder hooks = new Recorder();
        // A first poll 30 s out: only the webhook can end the job in time.
        try (StatusClient c = StatusClient.builder(sim.url())
            .header("Authorization", "Bearer " + apiKey)
            .webhook(WebhookOptions.port(0).secret(secret))
            .pollSchedule(PollSchedule.fixed(Duration.ofSeconds(30)))
            .listener(hooks).build()) {
          assertEquals("ok", hooks.awaitRegistration(Duration.ofSeconds(10)));
          String id = c.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
          byWebhook = c.watch(id).get(20, TimeUnit.SECONDS);
        }
        try (StatusClient c = StatusClient.builder(sim.url())
            .header("Authorization", "Bearer " + apiKey)
            .webhook(WebhookOptions.disabled())
            .pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).build()) {
          String id = c.submit(Duration.ofMillis(50), JobStatus.ERROR);
          byPoll = c.watch(id).get(20, TimeUnit.SECONDS);
          timedOut = c.submit(Duration.ofSeconds(30), JobStatus.COMPLETED);
          ExecutionException e = assertThrows(ExecutionException.class,
              () -> c.watch(timedOut, Duration.ofMillis(200)).get(20, TimeUnit.SECONDS));
          assertTrue(e.getCause() instanceof JobTimeoutException, e.toString());
        }
      }
      rec.stop();
      rec.dump(file);
    }
    assertEquals(DetectedBy.WEBHOOK, byWebhook.detectedBy());
    assertEquals(DetectedBy.POLL, byPoll.detectedBy());

    List<RecordedEvent> events = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (NAMES.contains(e.getEventType().getName())) {
        events.add(e);
      }
    }
    assertFields(events, "io.vtstatus.Poll", "jobId", "poll", "status", "error");
    assertFields(events, "io.vtstatus.Webhook", "jobId", "status", "verified", "code");
    assertFields(events, "io.vtstatus.WatchEnded", "jobId", "status", "signal", "polls", "waited");
    assertFields(events, "io.vtstatus.Registration", "attempt", "registered", "error");

    RecordedEvent reg = only(events, "io.vtstatus.Registration", null);
    assertTrue(reg.getBoolean("registered"));
    assertEquals(1, reg.getInt("attempt"));
    assertEquals("", reg.getString("error"));

    RecordedEvent hook = only(events, "io.vtstatus.Webhook", byWebhook.jobId());
    assertEquals("COMPLETED", hook.getString("status"));
    assertTrue(hook.getBoolean("verified"));
    assertEquals(204, hook.getInt("code"));

    RecordedEvent endedByHook = only(events, "io.vtstatus.WatchEnded", byWebhook.jobId());
    assertEquals("webhook", endedByHook.getString("signal"));
    assertEquals("COMPLETED", endedByHook.getString("status"));
    assertEquals(byWebhook.polls(), endedByHook.getInt("polls"));
    assertEquals(byWebhook.waited(), endedByHook.getDuration("waited"));

    RecordedEvent endedByPoll = only(events, "io.vtstatus.WatchEnded", byPoll.jobId());
    assertEquals("poll", endedByPoll.getString("signal"));
    assertEquals("ERROR", endedByPoll.getString("status"));
    assertEquals(byPoll.polls(), endedByPoll.getInt("polls"));
    assertEquals(byPoll.waited(), endedByPoll.getDuration("waited"));
    List<RecordedEvent> polls = of(events, "io.vtstatus.Poll", byPoll.jobId());
    assertEquals(byPoll.polls(), polls.size(), polls.toString());
    RecordedEvent lastPoll = polls.stream().filter(e -> e.getInt("poll") == byPoll.polls())
        .findFirst().orElseThrow();
    assertEquals("ERROR", lastPoll.getString("status"));
    assertEquals("", lastPoll.getString("error"));

    RecordedEvent gaveUp = only(events, "io.vtstatus.WatchEnded", timedOut);
    assertEquals("timeout", gaveUp.getString("signal"));
    assertEquals("PENDING", gaveUp.getString("status"));

    String base64 = secret.substring("whsec_".length());
    for (RecordedEvent e : events) {
      for (ValueDescriptor f : e.getFields()) {
        if (IMPLICIT.contains(f.getName())) {
          continue;
        }
        Object raw = e.getValue(f.getName());
        String v = String.valueOf(raw);
        for (String s : List.of(apiKey, base64, "Bearer", "v1,", "{")) {
          assertFalse(v.contains(s), e.getEventType().getName() + "." + f.getName() + " = " + v);
        }
      }
    }
  }

  private static void assertFields(List<RecordedEvent> events, String name, String... own) {
    RecordedEvent e = of(events, name, null).get(0);
    Set<String> fields = e.getFields().stream().map(ValueDescriptor::getName)
        .filter(n -> !IMPLICIT.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(List.of(own)), fields, name);
  }

  private static List<RecordedEvent> of(List<RecordedEvent> events, String name, String jobId) {
    List<RecordedEvent> l = events.stream().filter(e -> e.getEventType().getName().equals(name))
        .filter(e -> jobId == null || jobId.equals(e.getString("jobId")))
        .collect(Collectors.toList());
    assertFalse(l.isEmpty(), "no " + name + (jobId == null ? "" : " for " + jobId) + " in " + events);
    return l;
  }

  private static RecordedEvent only(List<RecordedEvent> events, String name, String jobId) {
    List<RecordedEvent> l = of(events, name, jobId);
    assertEquals(1, l.size(), l.toString());
    return l.get(0);
  }
}
