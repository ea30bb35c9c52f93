package io.vtstatus.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonPointer;
import java.util.List;
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
}
