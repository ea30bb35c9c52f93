package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.Closer;
import io.vtstatus.testing.RawHttpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hostile answers to a client with a declared protocol and credentials: every one ends its watch
 * with a {@link ProtocolException} quoting an excerpt, with the credentials redacted even when
 * the server echoes them; nothing hangs, nothing leaks the secret.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeclaredProtocolHostileTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String TOKEN = "hf_Zq9ExampleSecretToken42";
  @RegisterExtension final Closer closer = new Closer();

  private final JobProtocol protocol = JobProtocol.json().statusUrl("/v1/jobs/{id}")
      .status("/data/status").pending("running").completed("done").failed("failed")
      .output("/data/url").error("/data/message").strictWords().build();

  private StatusClient client(RawHttpServer server) {
    return closer.add(StatusClient.builder(server.url()).protocol(protocol)
        .header("Authorization", "Bearer " + TOKEN)
        .pollSchedule(PollSchedule.fixed(Duration.ofMillis(10))).timeout(WAIT).build());
  }

  private static Throwable failure(CompletableFuture<JobResult> f) {
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> f.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS));
    return e.getCause();
  }

  private static void assertNoSecret(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      // A mangled copy of the secret cannot be recognised; the secret itself never shows.
      assertFalse(String.valueOf(c).contains(TOKEN), String.valueOf(c));
    }
  }

  /** Each body echoes the secret (ECHO) where a careless server might. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
      "missing pointer => `{\"data\":{\"state\":\"done\",\"auth\":\"ECHO\"}}` => has no status at /data/status",
      "null status => `{\"data\":{\"status\":null,\"auth\":\"ECHO\"}}` => has no status at /data/status",
      "number status => `{\"data\":{\"status\":3,\"auth\":\"ECHO\"}}` => not a string",
      "array document => `[{\"data\":{\"status\":\"done\"}},\"ECHO\"]` => has no status at",
      "not JSON => `<html>502 Bad Gateway ECHO</html>` => is not JSON",
      "trailing text => `{\"data\":{\"status\":\"done\"}} ECHO` => is not JSON",
      "duplicate key => `{\"data\":{\"status\":\"done\",\"status\":\"failed\"},\"x\":\"ECHO\"}` => duplicate",
      "undeclared word => `{\"data\":{\"status\":\"ECHO\"}}` => does not declare",
      "deep nesting => `{\"data\":{\"status\":\"done\"},\"e\":\"ECHO\",\"n\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}` => is not JSON",
  })
  void unusableAnswersAreProtocolExceptionsQuotingARedactedExcerpt(String name, String body,
      String says) throws Exception {
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.json(200,
        body.replace("ECHO", r.header("authorization")))));
    Throwable t = failure(client(server).watch("j1"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains(says), t.getMessage());
    assertTrue(t.getMessage().contains("[redacted]"), "quotes the excerpt: " + t.getMessage());
    assertNoSecret(t);
  }

  @Test
  void aBodyThatIsNotUtf8IsRefusedWithoutGuessing() throws Exception {
    byte[] body = "{\"data\":{\"status\":\"done\",\"url\":\"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1);
    RawHttpServer server = closer.add(new RawHttpServer(r -> RawHttpServer.answer(200,
        "application/json", body)));
    Throwable t = failure(client(server).watch("j1"));
    assertInstanceOf(ProtocolException.class, t);
    assertTrue(t.getMessage().contains("not valid UTF-8"), t.getMessage());
  }

  @Test
  void anOversizedBodyIsRefusedNamingTheBoundWhetherDeclaredOrNot() throws Exception {
    byte[] huge = ("{\"data\":{\"status\":\"done\",\"pad\":\"" + "a".repeat(1 << 20) + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
    RawHttpServer declared = closer.add(new RawHttpServer(r -> RawHttpServer.answer(200,
        "application/json", huge)));
    // Without Content-Length: the client must count as it reads.
    RawHttpServer undeclared = closer.add(new RawHttpServer(r -> {
      byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[head.length + huge.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(huge, 0, all, head.length, huge.length);
      return Optional.of(all);
    }));
    for (RawHttpServer s : List.of(declared, undeclared)) {
      Throwable t = failure(client(s).watch("j1"));
      assertInstanceOf(ProtocolException.class, t);
      assertTrue(t.getMessage().contains("over 1048576 bytes"), t.getMessage());
    }
  }

  /**
   * Mutated valid answers (bytes flipped, dropped, duplicated; cut short): each watch ends, with
   * a result or a {@link ProtocolException}, and no message holds the secret.
   */
  @Test
  void mutatedAnswersEndEveryWatchCleanly() throws Exception {
    Random r = new Random(42);
    String valid = "{\"data\":{\"status\":\"done\",\"url\":\"https://cdn.example.com/v.mp4\","
        + "\"message\":null,\"token\":\"Bearer " + TOKEN + "\"}}";
    Map<String, byte[]> bodies = new ConcurrentHashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      byte[] b = valid.getBytes(StandardCharsets.UTF_8);
      int edits = 1 + r.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = r.nextInt(b.length);
        switch (r.nextInt(4)) {
          case 0:
            b[at] = (byte) r.nextInt(256);
            break;
          case 1:
            b = java.util.Arrays.copyOf(b, at);
            break;
          case 2:
            b[at] = "{}[]\":,\\"
                .getBytes(StandardCharsets.US_ASCII)[r.nextInt(8)];
            break;
          default:
            byte[] longer = new byte[b.length + 1];
            System.arraycopy(b, 0, longer, 0, at);
            System.arraycopy(b, at, longer, at + 1, b.length - at);
            longer[at] = b[at];
            b = longer;
        }
        if (b.length == 0) {
          break;
        }
      }
      bodies.put("/v1/jobs/m" + i, b);
      ids.add("m" + i);
    }
    RawHttpServer server = closer.add(new RawHttpServer(q ->
        RawHttpServer.answer(200, "application/json", bodies.get(q.path()))));
    StatusClient c = client(server);
    List<CompletableFuture<JobResult>> fs = new ArrayList<>();
    for (String id : ids) {
      fs.add(c.watch(id));
    }
    int results = 0;
    int refused = 0;
    for (CompletableFuture<JobResult> f : fs) {
      try {
        JobResult res = f.get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
        assertTrue(res.status().isTerminal());
        results++;
      } catch (ExecutionException e) {
        assertInstanceOf(ProtocolException.class, e.getCause(), String.valueOf(e.getCause()));
        assertNoSecret(e.getCause());
        refused++;
      }
    }
    assertEquals(150, results + refused);
    assertTrue(refused > 50, "most mutations break the answer: " + refused);
  }
}
