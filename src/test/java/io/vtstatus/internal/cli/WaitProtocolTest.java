package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobListener;
import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code wait --protocol} and {@code --header} against the simulator standing in for Replicate. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitProtocolTest {
  private static final String KEY = "r8_cliSecretKey9876";
  private static final Map<String, String> ENV = Map.of("REPLICATE_API_TOKEN", "Bearer " + KEY);
  private static SimulatorServer sim;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    sim = SimulatorServer.builder().protocol(JobProtocol.replicate()).apiKey(KEY).build().start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static CliRun run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    int code = WaitCommand.run(rest, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new JobListener() {}, ENV::get);
    CliRun r = new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    assertFalse(r.out().contains(KEY) || r.err().contains(KEY), "the key was printed:\n" + r.out() + r.err());
    return r;
  }

  @Test
  void waitsOnTheStandInWithAHeaderFromTheEnvironmentAndPrintsTheOutput() {
    String id = sim.submit(Duration.ofMillis(150), JobStatus.COMPLETED);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", "replicate", "--job", id,
        "--header", "Authorization: env:REPLICATE_API_TOKEN", "--schedule", "fixed:50ms", "--no-learn");
    assertEquals(0, r.code(), r.err());
    assertEquals("completed", r.lastLine());
    assertTrue(r.err().contains("output  https://simulator.vtstatus.invalid/outputs/" + id), r.err());
  }

  @Test
  void jsonGainsOutputAndError() {
    String id = sim.submit(Duration.ZERO, JobStatus.ERROR);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", "replicate", "--job", id,
        "--header", "Authorization: env:REPLICATE_API_TOKEN", "--json", "--quiet", "--no-learn");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.lastLine().contains("\"output\":null,\"error\":\"simulated failure ("), r.lastLine());
  }

  @Test
  void aHeaderFileAndAProtocolFileWork() throws Exception {
    Path headers = dir.resolve("headers.txt");
    Files.writeString(headers, "\nAuthorization: env:REPLICATE_API_TOKEN\nX-Trace: cli\n");
    Path protocol = dir.resolve("predictions.json");
    Files.writeString(protocol, "{\"status_url\":\"/v1/predictions/{id}\",\"status\":\"/status\","
        + "\"pending\":[\"starting\",\"processing\"],\"completed\":[\"succeeded\"],"
        + "\"failed\":[\"failed\",\"canceled\",\"aborted\"],\"output\":\"/output\",\"error\":\"/error\","
        + "\"headers\":{\"X-Extra\":\"1\"}}");
    String id = sim.submit(Duration.ZERO, JobStatus.COMPLETED);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", protocol.toString(),
        "--job", id, "--header", "@" + headers, "--json", "--quiet", "--no-learn");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.lastLine().contains("\"output\":\"https://simulator.vtstatus.invalid/outputs/" + id + "\""),
        r.lastLine());
  }

  @Test
  void aWrongKeyEndsAtOnceWithoutPrintingIt() {
    String id = sim.submit(Duration.ofSeconds(30), JobStatus.COMPLETED);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", "replicate", "--job", id,
        "--header", "Authorization: Bearer " + KEY + "-old", "--no-learn");
    assertEquals(WaitCommand.UNREACHABLE, r.code(), r.err());
    assertTrue(r.err().contains("answered 401"), r.err());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "--protocol,nope => not a protocol name",
      "--protocol,replicate => cannot create jobs: give --job ID",
      "--protocol,replicate,--job,.. => --job: Invalid job id",
      "--protocol,replicate,--job,x,--webhook-secret,whsec_x => --webhook-secret needs webhooks: give --webhook-port N",
      "--job,x,--no-webhook,--webhook-header,A: b => --webhook-header needs webhooks: drop --no-webhook",
      "--protocol,replicate,--job,x,--webhook-port,0,--webhook-secret,s,--webhook-header,A: b => exclude each other",
      "--protocol,replicate,--job,x,--webhook-port,0,--webhook-secret,!! => --webhook-secret: Invalid webhook",
      "--protocol,replicate,--job,x,--webhook-port,0,--webhook-secret,env:MISSING => MISSING, which is not set",
      "--job,x,--header,NoColon => --header: want 'Name: value'",
      "--job,x,--header,Host: h => the client sets it",
      "--job,x,--header,Authorization: env:MISSING => environment variable MISSING, which is not set",
  })
  void badFlagsAreUsageErrors(String flags, String says) {
    String[] f = flags.split(",");
    String[] args = new String[f.length + 3];
    args[0] = "wait";
    args[1] = "--server";
    args[2] = sim.url().toString();
    System.arraycopy(f, 0, args, 3, f.length);
    CliRun r = run(args);
    assertEquals(WaitCommand.USAGE, r.code(), r.err());
    assertTrue(r.err().contains(says), r.err());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "{\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"]} => missing \"status_url\"",
      "{\"status_url\":\"/j/{id}\",\"status\":\"s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"]} => \"status\": Invalid JSON Pointer",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[],\"completed\":[\"c\"],\"failed\":[\"f\"]} => \"pending\" must be a non-empty array",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"p\"],\"failed\":[\"f\"]} => \"completed\": Status word \"p\" is declared both",
      "{\"status_url\":\"/j\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"]} => \"status_url\": Invalid status URL template",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"retries\":3} => unknown key \"retries\"",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"headers\":{\"A\":1}} => \"headers\": \"A\" must be a string",
      "[1] => not a JSON object",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_status\":\"/s\"} => declares a webhook body but no webhookJobId",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_job_id\":\"id\"} => \"webhook_job_id\": Invalid JSON Pointer",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_job_id\":\"/id\",\"webhook_event_type\":\"/t\",\"webhook_events\":{\"x\":\"done\"}} => \"webhook_events\": \"x\" must be",
      "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_events\":[]} => \"webhook_events\" must be an object",
  })
  void protocolFileErrorsNameTheKeyAndTheFile(String content, String says) throws Exception {
    Path f = dir.resolve("p.json");
    Files.writeString(f, content);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", f.toString(), "--job", "x");
    assertEquals(WaitCommand.USAGE, r.code(), r.err());
    assertTrue(r.err().contains(f.toString()) && r.err().contains(says), r.err());
  }

  @Test
  void aProtocolFileMayDeclareItsWebhookBody() throws Exception {
    Path f = dir.resolve("render.json");
    Files.writeString(f, "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],"
        + "\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_job_id\":\"/data/id\","
        + "\"webhook_event_type\":\"/type\",\"webhook_events\":{\"render.done\":\"completed\","
        + "\"render.failed\":\"failed\",\"render.started\":\"pending\"},\"webhook_output\":\"/data/url\","
        + "\"webhook_error\":\"/data/why\"}");
    CliProtocols.Declared d = CliProtocols.resolve(f.toString(), Map.<String, String>of()::get);
    assertTrue(d.protocol().readsWebhooks());
    Path plain = dir.resolve("plain.json");
    Files.writeString(plain, "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],"
        + "\"completed\":[\"c\"],\"failed\":[\"f\"],\"webhook_status\":null}");
    assertFalse(CliProtocols.resolve(plain.toString(), Map.<String, String>of()::get).protocol()
        .readsWebhooks());
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", plain.toString(),
        "--job", "x", "--webhook-port", "0");
    assertEquals(WaitCommand.USAGE, r.code(), r.err());
    assertTrue(r.err().contains("--webhook-port: protocol plain declares no webhook body"), r.err());
  }

  @Test
  void theServerStandsInForAProtocolNamedOnTheCommandLine() throws Exception {
    SimulatorServer.Builder b = ServerCommand.parse(new String[] {"--port", "0", "--protocol",
        "heygen-translate", "--api-key", "env:HEYGEN"}, Map.of("HEYGEN", "hg-key")::get).orElseThrow();
    try (SimulatorServer s = b.build().start()) {
      String id = s.submit(Duration.ZERO, JobStatus.COMPLETED);
      CliRun r = run("wait", "--server", s.url().toString(), "--protocol", "heygen-translate",
          "--job", id, "--header", "X-Api-Key: hg-key", "--quiet", "--no-learn");
      assertEquals(0, r.code(), r.err());
    }
    for (String[] bad : new String[][] {{"--protocol", "nope"}, {"--api-key", "env:UNSET"},
        {"--api-key", "has space"}}) {
      Args.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Args.UsageException.class,
          () -> ServerCommand.parse(bad, Map.<String, String>of()::get));
      assertFalse(e.getMessage().contains("has space"), e.getMessage());
    }
  }

  @Test
  void demoWaitsOnAStandIn() {
    CliRun r = CliRun.of("demo", "--jobs", "4", "--delay", "50ms..200ms", "--error-rate", "0.5",
        "--protocol", "assemblyai", "--seed", "7");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("standing in for assemblyai (GET /v2/transcript/{id})"), r.out());
    assertTrue(r.out().contains("total: 4 jobs"), r.out());
    assertTrue(r.out().contains("output  https://simulator.vtstatus.invalid/outputs/")
        || r.out().contains("error   simulated failure (error)"), r.out());
    assertEquals(2, CliRun.of("demo", "--protocol", "nope").code());
  }

  @Test
  void protocolFilesAreReadIntoTheBuilderAndNamedAfterTheFile() throws Exception {
    String body = "{\"status_url\":\"/j/{id}\",\"status\":\"/s\",\"pending\":[\"p\"],"
        + "\"completed\":[\"c\"],\"failed\":[\"f\"],\"output\":\"/o\",\"error\":\"/e\"}";
    Map<String, String> names = Map.of("my.protocol.json", "my.protocol", ".hidden", ".hidden",
        "a b.json", "a_b", "x".repeat(70) + ".json", "x".repeat(64), "plain", "plain");
    for (Map.Entry<String, String> n : names.entrySet()) {
      Path f = dir.resolve(n.getKey());
      Files.writeString(f, body);
      CliProtocols.Declared d = CliProtocols.resolve(f.toString(), ENV::get);
      assertEquals(n.getValue(), d.protocol().name());
      assertEquals(java.util.Optional.of("/o"), d.protocol().outputPointer());
      assertEquals(java.util.Optional.of("/e"), d.protocol().errorPointer());
      assertEquals(Map.of(), d.headers());
    }
    Path bare = dir.resolve("bare.json");
    Files.writeString(bare, body.replace(",\"output\":\"/o\",\"error\":\"/e\"", ""));
    assertEquals(java.util.Optional.empty(), CliProtocols.resolve(bare.toString(), ENV::get).protocol().outputPointer());
    assertEquals(JobProtocol.vtstatus(), CliProtocols.named("vtstatus"));
    assertEquals(null, CliProtocols.named("nope"));
  }

  @Test
  void headerFilesNameTheirLineAndFilesHaveABound() throws Exception {
    Path f = dir.resolve("h.txt");
    Files.writeString(f, "A: 1\n\n:nameless\n");
    Args.UsageException e = org.junit.jupiter.api.Assertions.assertThrows(Args.UsageException.class,
        () -> CliProtocols.headers(java.util.List.of("@" + f), ENV::get));
    assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    Path exact = dir.resolve("exact.txt");
    Files.writeString(exact, "X-Pad: " + "a".repeat(64 * 1024 - 7));
    assertEquals(64 * 1024 - 7, CliProtocols.headers(java.util.List.of("@" + exact), ENV::get).get("X-Pad").length());
    Files.writeString(exact, "X-Pad: " + "a".repeat(64 * 1024 - 6));
    Args.UsageException big = org.junit.jupiter.api.Assertions.assertThrows(Args.UsageException.class,
        () -> CliProtocols.headers(java.util.List.of("@" + exact), ENV::get));
    assertTrue(big.getMessage().contains("larger than 65536 bytes"), big.getMessage());
    assertEquals(Map.of("A", "Bearer " + KEY), CliProtocols.headers(
        java.util.List.of("A: env:REPLICATE_API_TOKEN"), ENV::get));
  }

  @Test
  void theLearningFileHoldsNoHeaderValue() throws Exception {
    Path model = dir.resolve("model.json");
    String id = sim.submit(Duration.ofMillis(300), JobStatus.COMPLETED);
    CliRun r = run("wait", "--server", sim.url().toString(), "--protocol", "replicate", "--job", id,
        "--header", "Authorization: env:REPLICATE_API_TOKEN", "--model", model.toString(), "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.exists(model), "the adaptive schedule saved what it learned");
    String saved = Files.readString(model);
    assertFalse(saved.contains(KEY) || saved.contains("Authorization"), saved);
  }
}
