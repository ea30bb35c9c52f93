package io.vtstatus.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.CredentialsRefusedException;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobResult;
import io.vtstatus.JobStatus;
import io.vtstatus.PollSchedule;
import io.vtstatus.StatusClient;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import io.vtstatus.testing.Closer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The simulator standing in for the four APIs: their paths, shapes, vocabularies, ids and keys. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StandInTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String KEY = "sim-key-123";
  @RegisterExtension final Closer closer = new Closer();

  static Stream<Arguments> profiles() {
    return Stream.of(
        Arguments.of(JobProtocol.replicate(), "Authorization", "Bearer " + KEY, "[a-z2-7]{26}"),
        Arguments.of(JobProtocol.openAiBatch(), "Authorization", "Bearer " + KEY, "batch_[0-9a-f]{32}"),
        Arguments.of(JobProtocol.heygenVideoTranslate(), "X-Api-Key", KEY, "[0-9a-f]{32}"),
        Arguments.of(JobProtocol.assemblyAi(), "Authorization", KEY,
            "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}"));
  }

  private SimulatorServer server(JobProtocol p) throws Exception {
    return closer.add(SimulatorServer.builder().protocol(p).apiKey(KEY).build().start());
  }

  private StatusClient client(SimulatorServer s, JobProtocol p, String header, String value) {
    return closer.add(StatusClient.builder(s.url()).protocol(p).header(header, value)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(20))).timeout(WAIT).build());
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void aClientWaitsOnTheStandInWithTheApisKeyAndIdShape(JobProtocol p, String header, String value,
      String idShape) throws Exception {
    SimulatorServer s = server(p);
    StatusClient c = client(s, p, header, value);
    String ok = s.submit(Duration.ofMillis(200), JobStatus.COMPLETED);
    String bad = s.submit(Duration.ofMillis(100), JobStatus.ERROR);
    assertTrue(Pattern.matches(idShape, ok), ok);
    JobResult r = c.await(ok);
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(Optional.of("https://simulator.vtstatus.invalid/outputs/" + ok), r.output());
    JobResult e = c.await(bad);
    assertEquals(JobStatus.ERROR, e.status());
    assertTrue(e.error().orElseThrow().startsWith("simulated failure ("), e.error().toString());
    assertTrue(r.polls() >= 1);
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void withoutTheKeyTheStandInAnswers401(JobProtocol p, String header, String value, String idShape)
      throws Exception {
    SimulatorServer s = server(p);
    String id = s.submit(Duration.ofMillis(100), JobStatus.COMPLETED);
    StatusClient c = client(s, p, header, value + "x");
    ExecutionException x = assertThrows(ExecutionException.class,
        () -> c.watch(id).get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertEquals(401, assertInstanceOf(CredentialsRefusedException.class, x.getCause()).statusCode());
  }

  /** Every word of each vocabulary is served: pending words in turn, each failed word for some job. */
  @ParameterizedTest
  @MethodSource("profiles")
  void theStandInServesTheWholeVocabulary(JobProtocol p, String header, String value, String idShape)
      throws Exception {
    SimulatorServer s = server(p);
    JsonPointer status = JsonPointer.compile(p.statusPointer().orElseThrow());
    HttpClient http = HttpClient.newHttpClient();
    Set<String> seen = new HashSet<>();
    // Jobs that never end show the first pending word; ones that have ended show their word.
    seen.add(word(http, s, p, header, value, s.submit(Duration.ofDays(1), JobStatus.COMPLETED), status));
    for (int i = 0; i < 40; i++) {
      seen.add(word(http, s, p, header, value, s.submit(Duration.ZERO, JobStatus.ERROR), status));
    }
    seen.add(word(http, s, p, header, value, s.submit(Duration.ZERO, JobStatus.COMPLETED), status));
    Set<String> expected = new HashSet<>();
    p.words().forEach((w, st) -> {
      if (st != JobStatus.PENDING) {
        expected.add(w);
      }
    });
    expected.add(p.words().keySet().iterator().next());
    assertEquals(expected, seen);
  }

  @Test
  void theStandInRefusesTemplatesItCannotServe() {
    JobProtocol absolute = JobProtocol.json().statusUrl("https://api.example.com/j/{id}")
        .status("/s").pending("p").completed("c").failed("f").build();
    JobProtocol query = JobProtocol.json().statusUrl("/j?id={id}")
        .status("/s").pending("p").completed("c").failed("f").build();
    assertThrows(IllegalArgumentException.class, () -> SimulatorServer.builder().protocol(absolute));
    assertThrows(IllegalArgumentException.class, () -> SimulatorServer.builder().protocol(query));
    assertThrows(IllegalArgumentException.class, () -> SimulatorServer.builder().apiKey(""));
    assertThrows(IllegalArgumentException.class, () -> SimulatorServer.builder().apiKey("a b"));
  }

  @Test
  void theVtstatusProtocolCanDemandABearerKeyToo() throws Exception {
    SimulatorServer s = closer.add(SimulatorServer.builder().apiKey(KEY).build().start());
    String id = s.submit(Duration.ZERO, JobStatus.COMPLETED);
    StatusClient good = closer.add(StatusClient.builder(s.url()).header("Authorization", "Bearer " + KEY)
        .webhook(io.vtstatus.WebhookOptions.disabled()).build());
    assertEquals(JobStatus.COMPLETED, good.await(id).status());
    assertEquals(Map.of(), JobProtocol.vtstatus().words());
  }

  private static String word(HttpClient http, SimulatorServer s, JobProtocol p, String header,
      String value, String id, JsonPointer status) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        s.url(p.statusUrl().replace("{id}", id))).header(header, value).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return (String) status.find(Json.parse(r.body()));
  }
}
