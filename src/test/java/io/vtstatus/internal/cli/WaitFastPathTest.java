package io.vtstatus.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.testing.HostileServer;
import io.vtstatus.testing.ThreadLeaks;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code wait} on a job that has already ended asks once and answers: no webhook listener, no
 * registration, no HTTP client. A job still running gets the whole client.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitFastPathTest {

  @Test
  void aFinishedJobIsOneRequestAndNothingElse() throws Exception {
    ThreadLeaks leaks = ThreadLeaks.snapshot();
    try (HostileServer s = HostileServer.start(HostileServer.status("error"))) {
      CliRun r = CliRun.of("wait", "--server", s.url().toString(), "--job", "done-1", "--json");
      assertEquals(WaitCommand.JOB_ERROR, r.code(), r.err());
      assertTrue(r.lastLine().contains("\"status\":\"error\""), r.out());
      assertTrue(r.lastLine().contains("\"polls\":1"), r.out());
      assertEquals(List.of("GET /status?job=done-1"), s.requests, "one request, no registration");
      assertTrue(!r.err().contains("listening for webhooks"), r.err());
      assertTrue(r.err().contains("done-1: error via poll after 1 polls"), "a progress line: " + r.err());
    }
    leaks.assertNoNewThreads();
  }

  @Test
  void aRunningJobGetsTheClientWithItsListener() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    try (HostileServer s = HostileServer.start((req, out, srv) -> {
      if (req.path().startsWith("/status")) {
        String word = polls.incrementAndGet() == 1 ? "pending" : "completed";
        HostileServer.status(word).handle(req, out, srv);
      } else {
        HostileServer.answer(out, 200, "{\"webhook\":\"wh_1\"}");
      }
    })) {
      CliRun r = CliRun.of("wait", "--server", s.url().toString(), "--job", "run-1",
          "--schedule", "fixed:50ms", "--timeout", "20s");
      assertEquals(WaitCommand.COMPLETED, r.code(), r.err());
      assertEquals("completed", r.lastLine());
      assertTrue(polls.get() >= 2, "the probe and at least one poll of the client: " + s.requests);
      assertTrue(s.requests.contains("POST /register-webhook"), "the listener registered: " + s.requests);
      assertTrue(r.err().contains("listening for webhooks"), r.err());
    }
  }

  @Test
  void pollsPrintedCountTheFirstLookToo() throws Exception {
    AtomicInteger polls = new AtomicInteger();
    try (HostileServer s = HostileServer.start((req, out, srv) -> {
      String word = polls.incrementAndGet() <= 2 ? "pending" : "completed";
      HostileServer.status(word).handle(req, out, srv);
    })) {
      CliRun r = CliRun.of("wait", "--server", s.url().toString(), "--job", "run-2", "--no-webhook",
          "--schedule", "fixed:20ms", "--timeout", "20s", "--quiet", "--json");
      assertEquals(WaitCommand.COMPLETED, r.code(), r.err());
      assertTrue(r.lastLine().contains("\"polls\":" + polls.get() + ","),
          "every request the command made, the first look included (" + polls.get() + "): " + r.out());
    }
  }

  @Test
  void anUnknownJobIsAnsweredAtOnce() throws Exception {
    try (HostileServer s = HostileServer.start((req, out, srv) ->
        HostileServer.answer(out, 404, "{\"error\":\"unknown job\"}"))) {
      CliRun r = CliRun.of("wait", "--server", s.url().toString(), "--job", "nope", "--quiet");
      assertEquals(WaitCommand.UNREACHABLE, r.code());
      assertEquals("unknown", r.lastLine());
      assertEquals(1, s.requests.size(), s.requests.toString());
    }
  }
}
