package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.util.Threads;
import io.vtstatus.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code server --signing} and {@code --rotation-overlap}: parsed, refused, and in effect. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ServerSigningFlagsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .executor(Executors.newCachedThreadPool(Threads.daemon("test-http"))).build();

  private static Map<String, Object> post(URI uri, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Json.parseObject(r.body());
  }

  private static SimulatorServer started(String... args) throws Exception {
    return ServerCommand.parse(args).orElseThrow().build().start();
  }

  @Test
  void v1aWithoutOverlapAnswersAPublicKeyAndRotatesAtOnce() throws Exception {
    try (SimulatorServer sim = started("--port", "0", "--signing", "v1a", "--rotation-overlap", "0")) {
      Map<String, Object> reg = post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/h\"}");
      assertTrue(((String) reg.get("public_key")).startsWith("whpk_"), reg.toString());
      assertFalse(reg.containsKey("secret"), reg.toString());
      Map<String, Object> rotated = post(sim.url("/webhooks/" + reg.get("webhook") + "/rotate"), "");
      assertFalse(rotated.containsKey("previous_keys_until"), rotated.toString());
    }
  }

  @Test
  void bothWithAnOverlapAnswersBothKeysAndWhenTheOldOnesStop() throws Exception {
    try (SimulatorServer sim = started("--port=0", "--signing=both", "--rotation-overlap=90m")) {
      Map<String, Object> reg = post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/h\"}");
      assertTrue(reg.containsKey("secret") && reg.containsKey("public_key"), reg.toString());
      Instant before = Instant.now();
      Map<String, Object> rotated = post(sim.url("/webhooks/" + reg.get("webhook") + "/rotate"), "");
      Instant until = Instant.parse((String) rotated.get("previous_keys_until"));
      Duration overlap = Duration.between(before, until);
      assertTrue(overlap.compareTo(Duration.ofMinutes(89)) > 0 && overlap.compareTo(Duration.ofMinutes(91)) < 0,
          overlap.toString());
    }
  }

  @Test
  void v1IsTheDefault() throws Exception {
    try (SimulatorServer sim = started("--port", "0", "--signing", "v1")) {
      Map<String, Object> reg = post(sim.url("/register-webhook"), "{\"url\":\"http://127.0.0.1:9/h\"}");
      assertTrue(((String) reg.get("secret")).startsWith("whsec_"));
      assertFalse(reg.containsKey("public_key"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--signing v2", "--signing V1A", "--signing", "--rotation-overlap -1s",
      "--rotation-overlap 721h", "--rotation-overlap 5", "--rotation-overlap"})
  void badValuesExit2WithOneLine(String args) {
    assertThrows(Args.UsageException.class, () -> ServerCommand.parse(args.split(" ")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ServerCommand.run(args.split(" "), new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertEquals(1, err.toString(StandardCharsets.UTF_8).lines().count(), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpNamesTheFlags() {
    assertTrue(ServerCommand.USAGE.contains("--signing S"));
    assertTrue(ServerCommand.USAGE.contains("--rotation-overlap D"));
  }
}
