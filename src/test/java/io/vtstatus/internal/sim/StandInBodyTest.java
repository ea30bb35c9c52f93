package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a stand-in writes, without a server: words in turn, fields where the pointers say. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StandInBodyTest {
  @Test
  void pendingWordsComeInTurnAsAJobRuns() throws Exception {
    JobProtocol p = JobProtocol.openAiBatch();
    StandIn si = StandIn.of(p.name(),
        p.statusUrl(), p.statusPointer().get(), p.words(), p.outputPointer(), p.errorPointer());
    List<String> words = List.of("validating", "in_progress", "finalizing", "cancelling");
    for (int i = 0; i < words.size(); i++) {
      Object doc = Json.parse(si.body("batch_1", JobStatus.PENDING, (i + 0.5) / words.size()));
      assertEquals(words.get(i), JsonPointer.compile("/status").find(doc));
      assertEquals(Json.NULL, JsonPointer.compile("/output_file_id").find(doc));
      assertEquals(null, JsonPointer.compile("/errors").find(doc), "no made-up error list");
    }
    Object failed = Json.parse(si.body("batch_1", JobStatus.ERROR, 1));
    assertTrue(String.valueOf(JsonPointer.compile("/errors/data/0/message").find(failed))
        .startsWith("simulated failure"));
    assertEquals("batch_1", JsonPointer.compile("/id").find(failed));
  }

  @Test
  void pathsNameAJobOnlyWhereTheTemplateSays() throws Exception {
    JobProtocol p = JobProtocol.replicate();
    StandIn si = StandIn.of(p.name(), p.statusUrl(), p.statusPointer().get(), p.words(),
        p.outputPointer(), p.errorPointer());
    assertEquals(Optional.of("abc"), si.jobIdOf("/v1/predictions/abc"));
    assertEquals(Optional.of("a b"), si.jobIdOf("/v1/predictions/a%20b"));
    assertEquals(Optional.empty(), si.jobIdOf("/v1/predictions/"));
    assertEquals(Optional.empty(), si.jobIdOf("/v1/predictions/a/b"));
    assertEquals(Optional.empty(), si.jobIdOf("/v1/prediction/abc"));
    assertEquals(Optional.empty(), si.jobIdOf("/v1/predictions/%zz"));
    assertEquals("/v1/predictions/xyz", si.statusPath("xyz"));
    Object doc = Json.parse(si.body("xyz", JobStatus.COMPLETED, 1));
    assertEquals("succeeded", JsonPointer.compile("/status").find(doc));
    assertEquals(Json.NULL, JsonPointer.compile("/error").find(doc));
    assertTrue(String.valueOf(JsonPointer.compile("/output").find(doc)).endsWith("/xyz"));
  }

  @Test
  void nestedFieldsMakeTheirArraysAndObjects() throws Exception {
    JobProtocol p = JobProtocol.json().name("custom").statusUrl("/r/{id}/state").status("/job/state")
        .pending("a", "b").completed("c").failed("f").output("/result/files/0/url")
        .error("/problems/0").build();
    StandIn si = StandIn.of(p.name(), p.statusUrl(), p.statusPointer().get(), p.words(),
        p.outputPointer(), p.errorPointer());
    Object done = Json.parse(si.body("job_1", JobStatus.COMPLETED, 1));
    assertTrue(JsonPointer.compile("/result/files").find(done) instanceof List, String.valueOf(done));
    assertTrue(String.valueOf(JsonPointer.compile("/result/files/0/url").find(done)).endsWith("/job_1"));
    assertEquals(null, JsonPointer.compile("/problems").find(done), "no made-up container for null");
    assertEquals("job_1", JsonPointer.compile("/id").find(done), "other protocols keep /id");
    Object failed = Json.parse(si.body("job_1", JobStatus.ERROR, 1));
    assertEquals("simulated failure (f)", JsonPointer.compile("/problems/0").find(failed));
    assertEquals(null, JsonPointer.compile("/result").find(failed));
    assertEquals("b", JsonPointer.compile("/job/state").find(
        Json.parse(si.body("job_1", JobStatus.PENDING, 1.5))), "past its time: the last pending word");
    assertEquals("a", JsonPointer.compile("/job/state").find(
        Json.parse(si.body("job_1", JobStatus.PENDING, -1))));
    assertEquals(Optional.of("x"), si.jobIdOf("/r/x/state"));
    assertEquals(Optional.empty(), si.jobIdOf("/r//state"));
    assertEquals(Optional.empty(), si.jobIdOf("/r/state"));
    assertEquals(Optional.empty(), si.jobIdOf("/r/x/stat"));
    assertEquals("/r/y/state", si.statusPath("y"));
    assertEquals("custom", si.name());
  }

  @Test
  void eachApiHasItsIdShapeAndAuthHeader() {
    Rand rand = new Rand(1);
    Object[][] apis = {
        {JobProtocol.replicate(), "[a-z2-7]{26}", "Authorization", "Bearer k"},
        {JobProtocol.openAiBatch(), "batch_[0-9a-f]{32}", "Authorization", "Bearer k"},
        {JobProtocol.heygenVideoTranslate(), "[0-9a-f]{32}", "X-Api-Key", "k"},
        {JobProtocol.assemblyAi(), "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}",
            "Authorization", "k"},
        {JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p").completed("c").failed("f").build(),
            "job_[0-9a-f]{16}", "Authorization", "Bearer k"}};
    for (Object[] a : apis) {
      JobProtocol p = (JobProtocol) a[0];
      StandIn si = StandIn.of(p.name(), p.statusUrl(), p.statusPointer().get(), p.words(),
          p.outputPointer(), p.errorPointer());
      StringBuilder seen = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        String id = si.newId(rand);
        assertTrue(id.matches((String) a[1]), p.name() + ": " + id);
        seen.append(id);
      }
      assertEquals(a[2], si.authHeader());
      com.sun.net.httpserver.Headers h = new com.sun.net.httpserver.Headers();
      assertEquals(false, si.authorized(h, "k"));
      h.add((String) a[2], (String) a[3]);
      assertEquals(true, si.authorized(h, "k"), p.name());
      assertEquals(false, si.authorized(h, "k2"));
      if (p.name().equals("replicate")) {
        assertTrue(seen.toString().matches(".*[q-z2-7].*"), "the whole base-32 alphabet is used");
      }
    }
  }

  @Test
  void templatesTheSimulatorCannotServeAreRefused() {
    Map<String, JobStatus> words = Map.of("p", JobStatus.PENDING, "c", JobStatus.COMPLETED,
        "f", JobStatus.ERROR);
    for (String t : List.of("/j?id={id}", "/a/{id}/{id}", "https://h/{id}", "/j")) {
      assertThrows(IllegalArgumentException.class,
          () -> StandIn.of("x", t, "/s", words, Optional.empty(), Optional.empty()), t);
    }
  }
}
