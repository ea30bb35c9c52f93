package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.Closer;
import io.vtstatus.testing.RawHttpServer;
import io.vtstatus.testing.RawHttpServer.Request;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client with a declared protocol, through the public API against loopback servers: every
 * profile's vocabulary, the job's output, credentials and where they go, ids that must stay
 * data, and the body bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeclaredProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String SECRET = "r8_s3cr3tT0k3nValue";
  @RegisterExtension final Closer closer = new Closer();

  /** Answers each path with its script's bodies in turn, the last one for good; 404 elsewhere. */
  private static final class Script implements Function<Request, Optional<byte[]>> {
    final Map<String, List<String>> bodies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

    Script add(String path, String... answers) {
      bodies.put(path, List.of(answers));
      return this;
    }

    @Override
    public Optional<byte[]> apply(Request r) {
      List<String> b = bodies.get(r.path());
      if (b == null) {
        return RawHttpServer.json(404, "{\"detail\":\"Not found.\"}");
      }
      int i = served.computeIfAbsent(r.path(), k -> new AtomicInteger()).getAndIncrement();
      return RawHttpServer.json(200, b.get(Math.min(i, b.size() - 1)));
    }
  }

  /** Records what the listener hears. */
  private static final class Heard implements JobListener {
    final List<String> unknown = new CopyOnWriteArrayList<>();
    final List<String> answered = new CopyOnWriteArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();

    @Override
    public void unknownStatus(String jobId, String word) {
      unknown.add(jobId + " " + word);
    }

    @Override
    public void pollAnswered(String jobId, int attempt, JobStatus status) {
      answered.add(jobId + " " + status);
    }

    @Override
    public void pollFailed(String jobId, int attempt, Exception failure) {
      failures.add(failure);
    }

    @Override
    public void failed(String jobId, Throwable failure, Duration waited) {
      failures.add(failure);
    }
  }

  private StatusClient.Builder client(URI server, JobProtocol p, JobListener l) {
    return StatusClient.builder(server).protocol(p).listener(l)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(10))).timeout(WAIT);
  }

  private static Throwable failure(CompletableFuture<JobResult> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS));
    return e.getCause();
  }

  static Stream<ProtocolFixtures.Profile> profiles() {
    return ProtocolFixtures.ALL.stream();
  }

  private static String path(JobProtocol p, String id) {
    return p.statusUrl().replace("{id}", id);
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void everyWordOfEveryProfileMeansWhatItsSourcesSay(ProtocolFixtures.Profile profile)
      throws Exception {
    ProtocolFixtures.Shape shape = profile.shape();
    Script script = new Script();
    // One job walks through every pending word to each completed word...
    List<String> jobs = new ArrayList<>();
    for (String done : profile.completed()) {
      String id = "ok-" + done;
      List<String> answers = new ArrayList<>();
      for (String p : profile.pending()) {
        answers.add(shape.body(id, p, "null", "null"));
      }
      answers.add(shape.body(id, done, "\"https://cdn.example.com/" + id + ".mp4\"", "null"));
      script.add(path(profile.protocol(), id), answers.toArray(new String[0]));
      jobs.add(id);
    }
    // ...and one job ends with each failed word.
    for (String bad : profile.failed()) {
      String id = "bad-" + bad;
      script.add(path(profile.protocol(), id), shape.body(id, profile.pending().get(0), "null", "null"),
          shape.body(id, bad, "null", "\"it went " + bad + "\""));
    }
    RawHttpServer server = closer.add(new RawHttpServer(script));
    Heard heard = new Heard();
    StatusClient c = closer.add(client(server.url(), profile.protocol(), heard).build());
    for (String id : jobs) {
      JobResult r = c.await(id);
      assertEquals(JobStatus.COMPLETED, r.status(), id);
      assertEquals(profile == ProtocolFixtures.REPLICATE
          ? Optional.of(java.time.Instant.parse("2026-12-01T10:01:30.250000Z")) : Optional.empty(),
          r.updatedAt(), "Replicate's completed_at");
      assertEquals(Optional.of("https://cdn.example.com/" + id + ".mp4"), r.output());
      assertEquals(Optional.empty(), r.error());
      assertEquals(profile.pending().size() + 1, r.polls());
      assertTrue(r.document().orElseThrow().contains("\"" + r.output().get() + "\""));
    }
    for (String bad : profile.failed()) {
      JobResult r = c.await("bad-" + bad);
      assertEquals(JobStatus.ERROR, r.status(), bad);
      assertEquals(Optional.of("it went " + bad), r.error());
      assertEquals(Optional.empty(), r.output());
    }
    assertEquals(List.of(), heard.unknown, "every word is declared");
    long pendingAnswers = heard.answered.stream().filter(a -> a.endsWith(" PENDING")).count();
    assertEquals(profile.completed().size() * profile.pending().size() + profile.failed().size(),
        pendingAnswers);
  }

  @Test
  void anUnknownWordKeepsWaitingAndIsReportedOncePerWord() throws Exception {
    JobProtocol p = JobProtocol.replicate();
    Script script = new Script()
        .add("/v1/predictions/a", ProtocolFixtures.replicate("a", "warming", "null", "null"),
            ProtocolFixtures.replicate("a", "warming", "null", "null"),
            ProtocolFixtures.replicate("a", "cooling", "null", "null"),
            ProtocolFixtures.replicate("a", "succeeded", "\"out\"", "null"))
        .add("/v1/predictions/b", ProtocolFixtures.replicate("b", "warming", "null", "null"),
            ProtocolFixtures.replicate("b", "succeeded", "\"out\"", "null"));
    RawHttpServer server = closer.add(new RawHttpServer(script));
    Heard heard = new Heard();
    StatusClient c = closer.add(client(server.url(), p, heard).build());
    JobResult r = c.await("a");
    assertEquals(JobStatus.COMPLETED, r.status());
    assertEquals(4, r.polls());
    assertEquals(JobStatus.COMPLETED, c.await("b").status());
    assertEquals(List.of("a warming", "a cooling"), heard.unknown, "once per word and client");
    assertEquals(3, heard.answered.stream().filter(a -> a.startsWith("a ") && a.endsWith("PENDING")).count());
  }

  @Test
  void strictWordsMakeAnUnknownWordAProtocolException() {
    JobProtocol p = JobProtocol.json().statusUrl("/j/{id}").status("/state").pending("run")
        .completed("ok").failed("bad").strictWords().build();
    RawHttpServer server = closer.add(new RawHttpServer(
        new Script().add("/j/x", "{\"state\":\"run\"}", "{\"state\":\"paused\"}")));
    Heard heard = new Heard();
    Throwable t = failure(closer.add(client(server.url(), p, heard).build()).watch("x"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("\"paused\"") && t.getMessage().contains("/state"),
        t.getMessage());
    assertEquals(List.of(), heard.unknown);
  }

  @Test
  void outputOfAnyJsonValueIsItsCompactTextAndTheDocumentIsTheAnswer() throws Exception {
    JobProtocol p = JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p")
        .completed("c").failed("f").output("/out").error("/err").build();
    String arrayAnswer = "{\"s\": \"c\", \"out\": [ \"https://a/1.png\", {\"k\": 1.50} ], \"err\": null}";
    String nullAnswer = "{\"s\":\"c\",\"out\":null}";
    String errObject = "{\"s\":\"f\",\"err\":{\"code\":7}}";
    RawHttpServer server = closer.add(new RawHttpServer(new Script().add("/j/arr", arrayAnswer)
        .add("/j/none", nullAnswer).add("/j/obj", errObject)));
    StatusClient c = closer.add(client(server.url(), p, new Heard()).build());
    JobResult arr = c.await("arr");
    assertEquals(Optional.of("[\"https://a/1.png\",{\"k\":1.50}]"), arr.output());
    assertEquals(Optional.empty(), arr.error());
    assertEquals(Optional.of(arrayAnswer), arr.document());
    assertEquals(Optional.empty(), c.await("none").output());
    JobResult obj = c.await("obj");
    assertEquals(JobStatus.ERROR, obj.status());
    assertEquals(Optional.of("{\"code\":7}"), obj.error());
    assertFalse(arr.toString().contains(arrayAnswer), "toString gives the document's length only");
  }

  @Test
  void etaAndProgressReachTheSchedule() throws Exception {
    JobProtocol p = JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p")
        .completed("c").failed("f").eta("/eta", java.time.temporal.ChronoUnit.SECONDS)
        .progress("/pct").build();
    RawHttpServer server = closer.add(new RawHttpServer(new Script().add("/j/x",
        "{\"s\":\"p\",\"eta\":2.5,\"pct\":40}", "{\"s\":\"c\"}")));
    List<PollContext> seen = new CopyOnWriteArrayList<>();
    StatusClient c = closer.add(client(server.url(), p, new Heard()).pollSchedule(ctx -> {
      seen.add(ctx);
      return Duration.ofMillis(10);
    }).build());
    c.await("x");
    PollContext afterFirst = seen.stream().filter(ctx -> ctx.eta().isPresent()).findFirst().orElseThrow();
    assertEquals(Optional.of(Duration.ofMillis(2500)), afterFirst.eta());
    assertEquals(java.util.OptionalInt.of(40), afterFirst.progress());
  }

  // ---- credentials ----

  @Test
  void headersGoWithEveryPollAndASupplierIsAskedEachTime() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(new Script().add("/v2/transcript/t1",
        ProtocolFixtures.assemblyAi("t1", "queued", "null", "null"),
        ProtocolFixtures.assemblyAi("t1", "processing", "null", "null"),
        ProtocolFixtures.assemblyAi("t1", "completed", "\"hello world\"", "null"))));
    AtomicInteger asked = new AtomicInteger();
    StatusClient c = closer.add(client(server.url(), JobProtocol.assemblyAi(), new Heard())
        .header("authorization", SECRET).header("X-Trace", () -> "t" + asked.incrementAndGet())
        .build());
    JobResult r = c.await("t1");
    assertEquals(Optional.of("hello world"), r.output());
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Request q = server.takeFor("/v2/transcript/t1", WAIT);
      assertEquals(SECRET, q.header("authorization"));
      assertEquals("application/json", q.header("accept"));
      traces.add(q.header("x-trace"));
    }
    assertEquals(List.of("t1", "t2", "t3"), traces);
  }

  @Test
  void credentialsGoOnlyToTheTemplatesOrigin() throws Exception {
    RawHttpServer elsewhere = closer.add(new RawHttpServer(new Script().add("/jobs/x", "{\"s\":\"c\"}")));
    RawHttpServer server = closer.add(new RawHttpServer(new Script()));
    JobProtocol p = JobProtocol.json().statusUrl(elsewhere.url() + "/jobs/{id}").status("/s")
        .pending("p").completed("c").failed("f").build();
    StatusClient c = closer.add(client(server.url(), p, new Heard()).header("X-Api-Key", SECRET).build());
    assertEquals(JobStatus.COMPLETED, c.await("x").status());
    assertEquals(SECRET, elsewhere.takeFor("/jobs/x", WAIT).header("x-api-key"));
    assertTrue(server.take(Duration.ZERO).isEmpty(), "the client's server URI was not asked");
  }

  @Test
  void aRedirectIsNeverFollowed() throws Exception {
    RawHttpServer elsewhere = closer.add(new RawHttpServer(new Script().add("/stolen", "{\"s\":\"c\"}")));
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(302, "{}",
        "Location", elsewhere.url() + "/stolen")));
    StatusClient c = closer.add(client(server.url(), JobProtocol.heygenVideoTranslate(), new Heard())
        .header("X-Api-Key", SECRET).build());
    Throwable t = failure(c.watch("v1"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("answered 302"), t.getMessage());
    assertTrue(elsewhere.take(Duration.ofMillis(200)).isEmpty(), "the redirect was followed");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void refusedCredentialsEndTheWatchAtOnceWithoutQuotingThem(int code) throws Exception {
    // A hostile or careless server that echoes what it was sent.
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(code,
        "{\"detail\":\"Invalid token " + r.header("authorization") + "\"}")));
    Heard heard = new Heard();
    StatusClient c = closer.add(client(server.url(), JobProtocol.replicate(), heard)
        .header("Authorization", "Bearer " + SECRET).build());
    Throwable t = failure(c.watch("p1"));
    CredentialsRefusedException e = assertInstanceOf(CredentialsRefusedException.class, t);
    assertEquals(code, e.statusCode());
    assertTrue(e.excerpt().contains("Invalid token [redacted]"), e.excerpt());
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertFalse(e.excerpt().contains(SECRET), e.excerpt());
    for (Throwable f : heard.failures) {
      assertFalse(String.valueOf(f).contains(SECRET), String.valueOf(f));
    }
    server.takeFor("/v1/predictions/p1", WAIT);
    assertTrue(server.take(Duration.ofMillis(200)).isEmpty(), "refused credentials were retried");
  }

  @Test
  void aSupplierIsAskedAgainOnceBeforeARefusalEndsTheWatch() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(401, "{}")));
    AtomicInteger n = new AtomicInteger();
    StatusClient c = closer.add(client(server.url(), JobProtocol.openAiBatch(), new Heard())
        .header("Authorization", () -> "Bearer key-" + n.incrementAndGet()).build());
    assertInstanceOf(CredentialsRefusedException.class, failure(c.watch("batch_1")));
    Request first = server.takeFor("/v1/batches/batch_1", WAIT);
    Request second = server.takeFor("/v1/batches/batch_1", WAIT);
    assertNotEquals(first.header("authorization"), second.header("authorization"));
    assertTrue(server.take(Duration.ofMillis(200)).isEmpty(), "more than one retry");
  }

  @Test
  void aRotatedValueThatWorksOnTheRetryCarriesOn() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> "Bearer new".equals(r.header("authorization"))
        ? RawHttpServer.json(200, ProtocolFixtures.openAiBatch("batch_2", "completed", "\"file-out\"", "null"))
        : RawHttpServer.json(401, "{}")));
    AtomicInteger n = new AtomicInteger();
    StatusClient c = closer.add(client(server.url(), JobProtocol.openAiBatch(), new Heard())
        .header("Authorization", () -> n.getAndIncrement() == 0 ? "Bearer old" : "Bearer new").build());
    JobResult r = c.await("batch_2");
    assertEquals(Optional.of("file-out"), r.output());
  }

  @Test
  void aSupplierGivingALineBreakFailsTheWatchWithoutQuotingIt() {
    RawHttpServer server = closer.add(new RawHttpServer(new Script()));
    StatusClient c = closer.add(client(server.url(), JobProtocol.replicate(), new Heard())
        .header("Authorization", () -> "Bearer " + SECRET + "\r\nX-Evil: 1").build());
    Throwable t = failure(c.watch("p"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("Authorization"), t.getMessage());
    assertFalse(t.getMessage().contains(SECRET), t.getMessage());
  }

  @Test
  void aSupplierThatThrowsFailsTheWatchAtOnce() {
    RawHttpServer server = closer.add(new RawHttpServer(new Script()));
    StatusClient c = closer.add(client(server.url(), JobProtocol.replicate(), new Heard())
        .header("Authorization", () -> {
          throw new IllegalStateException("vault sealed: " + SECRET);
        }).build());
    Throwable t = failure(c.watch("p"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("IllegalStateException"), t.getMessage());
    assertFalse(t.getMessage().contains(SECRET), t.getMessage());
    assertEquals(0, c.activeWatches());
  }

  @Test
  void headerSettersRefuseBadNamesAndValuesWithoutQuotingValues() {
    StatusClient.Builder b = StatusClient.builder(URI.create("http://127.0.0.1:1"));
    for (String name : List.of("", "Bad Name", "X:y", "Host", "content-length", "Accept")) {
      assertThrows(IllegalArgumentException.class, () -> b.header(name, "v"), name);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.header("Authorization", SECRET + "\n"));
    assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    assertThrows(NullPointerException.class, () -> b.header("A", (String) null));
    assertThrows(NullPointerException.class, () -> b.header("A", (java.util.function.Supplier<String>) null));
  }

  // ---- ids ----

  @Test
  void idsAreEncodedToStayOnePathSegmentOrOneQueryValue() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(200, "{\"s\":\"c\"}")));
    JobProtocol inPath = JobProtocol.json().statusUrl("/jobs/{id}/state").status("/s").pending("p")
        .completed("c").failed("f").build();
    JobProtocol inQuery = JobProtocol.json().statusUrl("/state?job={id}&v=1").status("/s")
        .pending("p").completed("c").failed("f").build();
    StatusClient path = closer.add(client(server.url(), inPath, new Heard()).build());
    StatusClient query = closer.add(client(server.url(), inQuery, new Heard()).build());
    Map<String, String> expected = Map.of("a/b", "/jobs/a%2Fb/state", "x?y=1#z", "/jobs/x%3Fy%3D1%23z/state",
        "caf\u00e9", "/jobs/caf%C3%A9/state", "%2e%2e", "/jobs/%252e%252e/state", "...", "/jobs/.../state",
        "a b", "/jobs/a%20b/state");
    for (Map.Entry<String, String> e : expected.entrySet()) {
      path.await(e.getKey());
      assertEquals(e.getValue(), server.take(WAIT).orElseThrow().target(), e.getKey());
    }
    query.await("a&b=c d");
    assertEquals("/state?job=a%26b%3Dc%20d&v=1", server.take(WAIT).orElseThrow().target());
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", "", "a\nb", "\u0000", "a\u007fb", "\ud800"})
  void idsNoEncodingMakesSafeAreRefusedBeforeAnyRequest(String id) throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(new Script()));
    StatusClient c = closer.add(client(server.url(), JobProtocol.replicate(), new Heard()).build());
    assertThrows(IllegalArgumentException.class, () -> c.watch(id));
    assertThrows(IllegalArgumentException.class, () -> c.await(id));
    assertTrue(server.take(Duration.ofMillis(100)).isEmpty());
    assertEquals(0, c.activeWatches());
  }

  // ---- what a declared protocol does not do ----

  @Test
  void aDeclaredProtocolPollsOnly() {
    URI nowhere = URI.create("http://127.0.0.1:1");
    StatusClient c = closer.add(StatusClient.builder(nowhere).protocol(JobProtocol.replicate()).build());
    assertEquals(Optional.empty(), c.webhookUrl(), "no listener unless asked for");
    IllegalStateException e = assertThrows(IllegalStateException.class, c::submit);
    assertTrue(e.getMessage().contains("replicate cannot create jobs"), e.getMessage());
    assertThrows(IllegalStateException.class, c::startClientWithWebhook);
    JobProtocol noHooks = JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p")
        .completed("c").failed("f").build();
    IllegalStateException w = assertThrows(IllegalStateException.class, () -> StatusClient.builder(nowhere)
        .protocol(noHooks).webhook(WebhookOptions.inbound()).build());
    assertEquals("Protocol json declares no webhook body (JobProtocol.Builder.webhookJobId...):"
        + " use WebhookOptions.disabled()", w.getMessage());
    closer.add(StatusClient.builder(nowhere).protocol(JobProtocol.replicate())
        .webhook(WebhookOptions.disabled()).build());
  }

  // ---- the body bound ----

  @Test
  void aDeclaredProtocolReadsAnswersUpTo1MiBAndTheBoundCanBeRaised() throws Exception {
    String logs = "frame 000001 encoded\\n".repeat(60_000); // about 1.3 MB of Replicate logs
    String big = ProtocolFixtures.replicate("big", "succeeded", "\"out\"", "null", logs);
    String fits = ProtocolFixtures.replicate("fits", "succeeded", "\"out\"", "null",
        "x".repeat(900_000));
    RawHttpServer server = closer.add(new RawHttpServer(new Script()
        .add("/v1/predictions/big", big).add("/v1/predictions/fits", fits)));
    StatusClient bounded = closer.add(client(server.url(), JobProtocol.replicate(), new Heard()).build());
    assertEquals(Optional.of("out"), bounded.await("fits").output());
    Throwable t = failure(bounded.watch("big"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("over 1048576 bytes"), t.getMessage());
    StatusClient raised = closer.add(client(server.url(), JobProtocol.replicate(), new Heard())
        .maxBodySize(4 << 20).build());
    JobResult r = raised.await("big");
    assertEquals(big.length(), r.document().orElseThrow().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void maxBodySizeIsValidated() {
    StatusClient.Builder b = StatusClient.builder(URI.create("http://127.0.0.1:1"));
    assertThrows(IllegalArgumentException.class, () -> b.maxBodySize(1023));
    assertThrows(IllegalArgumentException.class, () -> b.maxBodySize(StatusClient.MAX_BODY_SIZE + 1));
    b.maxBodySize(1024).maxBodySize(StatusClient.MAX_BODY_SIZE);
  }

  @Test
  void aResultAWebhookEndedHasTheWebhooksBodyAsItsDocument() throws Exception {
    io.vtstatus.simulator.SimulatorServer sim = closer.add(
        io.vtstatus.simulator.SimulatorServer.builder().build().start());
    java.util.concurrent.CountDownLatch registered = new java.util.concurrent.CountDownLatch(1);
    StatusClient c = closer.add(StatusClient.builder(sim.url()).timeout(WAIT)
        .pollSchedule(ctx -> Duration.ofMinutes(5)).listener(new JobListener() {
          @Override
          public void webhookRegistered(String url, Exception failure) {
            if (failure == null) {
              registered.countDown();
            }
          }
        }).build());
    assertTrue(registered.await(WAIT.toSeconds(), TimeUnit.SECONDS));
    String id = sim.submit(Duration.ofMillis(50), JobStatus.COMPLETED);
    JobResult r = c.await(id);
    assertEquals(DetectedBy.WEBHOOK, r.detectedBy());
    assertTrue(r.document().orElseThrow().contains("\"job\":\"" + id + "\""), r.document().toString());
  }

  @Test
  void theVtstatusProtocolGainsTheDocumentAndKeepsEverythingElse() throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(200,
        "{\"job\":\"j\",\"result\":\"completed\",\"status\":\"completed\"}")));
    StatusClient c = closer.add(StatusClient.builder(server.url()).webhook(WebhookOptions.disabled())
        .header("Authorization", "Bearer " + SECRET).build());
    JobResult r = c.await("j");
    assertEquals(Optional.empty(), r.output());
    assertEquals(Optional.of("{\"job\":\"j\",\"result\":\"completed\",\"status\":\"completed\"}"), r.document());
    Request q = server.takeFor("/status", WAIT);
    assertEquals("/status?job=j", q.target());
    assertEquals("Bearer " + SECRET, q.header("authorization"));
    assertThrows(IllegalArgumentException.class, () -> c.watch("a/b"), "vtstatus ids keep their rule");
  }
}
