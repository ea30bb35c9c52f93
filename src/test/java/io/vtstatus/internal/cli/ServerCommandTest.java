package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ServerCommandTest {
  @Test
  void parsesEveryFlag() throws Exception {
    SimulatorServer.Builder b = ServerCommand.parse(new String[] {
        "--host", "127.0.0.1", "--port=0", "--delay", "lognormal:2s,0.5", "--error-rate", "0.25",
        "--hints", "--fail-rate", "0.1", "--throttle-rate=0.1", "--latency", "1ms..2ms",
        "--drop-webhooks", "0.5", "--duplicate-webhooks", "0.1",
        "--webhook-retries", "0,100ms,2s", "--webhook-timeout", "1s", "--seed", "42"}).orElseThrow();
    try (SimulatorServer sim = b.build().start()) {
      assertTrue(sim.port() > 0, "--port=0 binds any port");
    }
  }

  @Test
  void retriesList() {
    assertEquals(List.of(Duration.ZERO, Duration.ofMillis(100), Duration.ofSeconds(2)),
        ServerCommand.retries("0,100ms,2s"));
  }

  @Test
  void helpPrintsUsageAndExitsZero() {
    assertTrue(ServerCommand.parse(new String[] {"--help"}).isEmpty());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ServerCommand.run(new String[] {"--help"},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, code);
    String text = out.toString(StandardCharsets.UTF_8);
    for (String flag : List.of("--host", "--port", "--delay", "--error-rate", "--hints",
        "--fail-rate", "--latency", "--drop-webhooks", "--webhook-retries", "--seed")) {
      assertTrue(text.contains(flag), flag);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--nope", "--port x", "--port 70000", "--delay 5", "--error-rate 2",
      "--fail-rate x", "--latency 2s..1s", "--webhook-retries ,", "--seed x", "--port",
      "--hints=1", "positional"})
  void badFlagExits2WithOneLine(String args) {
    assertThrows(IllegalArgumentException.class, () -> ServerCommand.parse(args.split(" ")));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = ServerCommand.run(args.split(" "), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    String e = err.toString(StandardCharsets.UTF_8);
    assertEquals(1, e.lines().count(), e);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void mainRejectsUnknownCommand() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, Main.run(new String[] {"frobnicate"}, System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertEquals(2, Main.run(new String[0], System.out,
        new PrintStream(err, true, StandardCharsets.UTF_8)));
  }
}
