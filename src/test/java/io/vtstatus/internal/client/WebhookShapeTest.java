package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reading a declared protocol's webhook bodies: a status word or an event type, id, output. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WebhookShapeTest {
  private static final Map<String, JobStatus> WORDS = Map.of("starting", JobStatus.PENDING,
      "succeeded", JobStatus.COMPLETED, "failed", JobStatus.ERROR);
  private static final WebhookShape BY_STATUS = new WebhookShape(JsonPointer.compile("/id"),
      Optional.of(JsonPointer.compile("/status")), Optional.empty(), Map.of(),
      Optional.of(JsonPointer.compile("/output")), Optional.of(JsonPointer.compile("/error")));
  private static final WebhookShape BY_EVENT;

  static {
    Map<String, JobStatus> events = new LinkedHashMap<>();
    events.put("batch.completed", JobStatus.COMPLETED);
    events.put("batch.failed", JobStatus.ERROR);
    BY_EVENT = new WebhookShape(JsonPointer.compile("/data/id"), Optional.empty(),
        Optional.of(JsonPointer.compile("/type")), events, Optional.empty(), Optional.empty());
  }

  private static WebhookShape.Event read(WebhookShape s, String body) throws Exception {
    return s.read(Json.parse(body), body, WORDS);
  }

  /** A declared protocol with {@code shape}, progress at {@code /pct}, eta at {@code /eta} s. */
  private static ProtocolSpec declared(WebhookShape shape) {
    return new ProtocolSpec("t", UrlTemplate.compile("/j/{id}"), JsonPointer.compile("/status"),
        WORDS, Optional.empty(), Optional.empty(), Optional.of(JsonPointer.compile("/eta")),
        ChronoUnit.SECONDS, Optional.of(JsonPointer.compile("/pct")), false).withWebhook(shape);
  }

  @Test
  void aStatusWordIsReadWithTheProtocolsWords() throws Exception {
    String body = "{\"id\":\"p1\",\"status\":\"succeeded\",\"output\":[\"u\"],\"error\":null}";
    WebhookShape.Event e = read(BY_STATUS, body);
    assertEquals("p1", e.jobId());
    assertEquals(Optional.of("p1"), e.answer().jobId());
    assertEquals(JobStatus.COMPLETED, e.answer().status());
    assertEquals(Optional.of("[\"u\"]"), e.answer().output());
    assertEquals(Optional.empty(), e.answer().error());
    assertEquals(Optional.of(body), e.answer().document());
    WebhookShape.Event f = read(BY_STATUS, "{\"id\":\"p1\",\"status\":\"failed\",\"error\":\"boom\"}");
    assertEquals(JobStatus.ERROR, f.answer().status());
    assertEquals(Optional.of("boom"), f.answer().error());
    assertEquals(Optional.empty(), f.answer().output());
    for (String pendingish : List.of("\"starting\"", "\"paused\"", "7", "null")) {
      assertEquals(JobStatus.PENDING,
          read(BY_STATUS, "{\"id\":\"p1\",\"status\":" + pendingish + "}").answer().status(), pendingish);
    }
    assertEquals(JobStatus.PENDING, read(BY_STATUS, "{\"id\":\"p1\"}").answer().status());
  }

  @Test
  void anEventTypeIsMappedAndAnUnmappedOneEndsNothing() throws Exception {
    assertEquals(JobStatus.COMPLETED,
        read(BY_EVENT, "{\"type\":\"batch.completed\",\"data\":{\"id\":\"b1\"}}").answer().status());
    assertEquals(JobStatus.ERROR,
        read(BY_EVENT, "{\"type\":\"batch.failed\",\"data\":{\"id\":\"b1\"}}").answer().status());
    assertEquals(JobStatus.PENDING,
        read(BY_EVENT, "{\"type\":\"response.completed\",\"data\":{\"id\":\"b1\"}}").answer().status());
    // A status word is not an event type: the two maps stay apart.
    assertEquals(JobStatus.PENDING,
        read(BY_EVENT, "{\"type\":\"succeeded\",\"data\":{\"id\":\"b1\"}}").answer().status());
    assertEquals(JobStatus.PENDING,
        read(BY_STATUS, "{\"id\":\"b1\",\"status\":\"batch.completed\"}").answer().status());
    assertEquals("b1", read(BY_EVENT, "{\"type\":\"batch.failed\",\"data\":{\"id\":\"b1\"}}").jobId());
  }

  @Test
  void aBodyWithoutAUsableIdOrNotJsonIsRefused() {
    assertEquals("webhook body has no job id (a string) at /id",
        assertThrows(ProtocolException.class, () -> read(BY_STATUS, "{\"status\":\"succeeded\"}")).getMessage());
    assertEquals("webhook body has no job id (a string) at /data/id",
        assertThrows(ProtocolException.class, () -> read(BY_EVENT, "{\"data\":{\"id\":5}}")).getMessage());
    assertEquals("webhook body has an invalid job id at /id",
        assertThrows(ProtocolException.class, () -> read(BY_STATUS, "{\"id\":\"..\"}")).getMessage());
    ProtocolSpec p = declared(BY_STATUS);
    assertEquals("webhook body is not JSON (unexpected end of JSON at offset 6)",
        assertThrows(ProtocolException.class, () -> p.readWebhook("{\"id\":", 1024)).getMessage());
    assertThrows(ProtocolException.class,
        () -> p.readWebhook("{\"id\":\"p1\",\"status\":\"succeeded\"}", 10), "over the bound");
  }

  @Test
  void aStatusObjectCarriesItsProgressAndEstimateAnEventDoesNot() throws Exception {
    String body = "{\"id\":\"p1\",\"status\":\"starting\",\"pct\":30,\"eta\":12,"
        + "\"type\":\"batch.completed\",\"data\":{\"id\":\"b1\"}}";
    WebhookShape.Event byStatus = declared(BY_STATUS).readWebhook(body, 1024);
    assertEquals(JobStatus.PENDING, byStatus.answer().status());
    assertEquals(java.util.OptionalInt.of(30), byStatus.answer().progress());
    assertEquals(Optional.of(java.time.Duration.ofSeconds(12)), byStatus.answer().eta());
    WebhookShape.Event byEvent = declared(BY_EVENT).readWebhook(body, 1024);
    assertEquals(JobStatus.COMPLETED, byEvent.answer().status());
    assertEquals(java.util.OptionalInt.empty(), byEvent.answer().progress());
    assertEquals(Optional.empty(), byEvent.answer().eta());
    assertEquals("b1", byEvent.jobId());
  }

  @Test
  void itNamesItsPointersAndKeepsItsEvents() {
    assertEquals("job id at /id, status at /status", BY_STATUS.toString());
    assertEquals("job id at /data/id, event type at /type [batch.completed, batch.failed]",
        BY_EVENT.toString());
    assertThrows(UnsupportedOperationException.class, () -> BY_EVENT.events().clear());
  }
}
