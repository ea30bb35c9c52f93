package io.vtstatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Declaring a protocol: what the builder accepts, refuses (quoting it), and the profiles' vocabularies. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class JobProtocolTest {

  private static JobProtocol.Builder minimal() {
    return JobProtocol.json().statusUrl("/jobs/{id}").status("/status")
        .pending("running").completed("done").failed("failed");
  }

  @Test
  void vtstatusIsTheDefaultAndDeclaresNoWords() {
    assertSame(JobProtocol.vtstatus(), JobProtocol.vtstatus());
    assertEquals("vtstatus", JobProtocol.vtstatus().name());
    assertEquals("/status?job={id}", JobProtocol.vtstatus().statusUrl());
    assertEquals(Map.of(), JobProtocol.vtstatus().words());
  }

  @Test
  void aMinimalDeclarationBuildsWithItsVocabularyInOrder() {
    JobProtocol p = minimal().pending("queued").name("mine").build();
    assertEquals("mine", p.name());
    assertEquals("/jobs/{id}", p.statusUrl());
    assertEquals(Map.of("running", JobStatus.PENDING, "queued", JobStatus.PENDING,
        "done", JobStatus.COMPLETED, "failed", JobStatus.ERROR), p.words());
    assertTrue(p.toString().contains("mine") && p.toString().contains("/jobs/{id}")
        && p.toString().contains("/status"), p.toString());
  }

  @Test
  void accessorsGiveWhatWasDeclared() {
    JobProtocol p = minimal().output("/out").error("/e~1rr").progress("/pct").strictWords().build();
    assertEquals(java.util.Optional.of("/status"), p.statusPointer());
    assertEquals(java.util.Optional.of("/out"), p.outputPointer());
    assertEquals(java.util.Optional.of("/e~1rr"), p.errorPointer());
    assertTrue(p.spec().strictWords());
    assertEquals("json", p.spec().name());
    assertEquals(java.util.Optional.empty(), minimal().build().outputPointer());
    assertEquals(java.util.Optional.empty(), JobProtocol.vtstatus().statusPointer());
    assertEquals(java.util.Optional.empty(), JobProtocol.vtstatus().errorPointer());
    assertTrue(JobProtocol.vtstatus().spec().builtin());
    assertEquals(false, minimal().build().spec().strictWords());
    assertEquals("x".repeat(64), minimal().name("x".repeat(64)).build().name());
    assertEquals("a", minimal().name("a").build().name());
  }

  @Test
  void theBuilderCopiesOnBuild() {
    JobProtocol.Builder b = minimal();
    JobProtocol first = b.build();
    b.pending("later");
    assertEquals(3, first.words().size());
    assertEquals(4, b.build().words().size());
  }

  @Test
  void buildNamesWhatIsMissing() {
    assertMessage(IllegalStateException.class, "no statusUrl",
        () -> JobProtocol.json().status("/s").pending("p").completed("c").failed("f").build());
    assertMessage(IllegalStateException.class, "no status pointer",
        () -> JobProtocol.json().statusUrl("/j/{id}").pending("p").completed("c").failed("f").build());
    assertMessage(IllegalStateException.class, "no pending words",
        () -> JobProtocol.json().statusUrl("/j/{id}").status("/s").completed("c").failed("f").build());
    assertMessage(IllegalStateException.class, "no completed words",
        () -> JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p").failed("f").build());
    assertMessage(IllegalStateException.class, "no failed words",
        () -> JobProtocol.json().statusUrl("/j/{id}").status("/s").pending("p").completed("c").build());
  }

  @Test
  void aWordInTwoSetsIsRefusedNamingIt() {
    assertMessage(IllegalArgumentException.class, "\"done\" is declared both completed and error",
        () -> minimal().failed("done"));
    assertMessage(IllegalArgumentException.class, "\"x\" is declared both pending and completed",
        () -> JobProtocol.json().pending("x").completed("y", "x"));
    // Declaring a word again for the same status is harmless.
    assertEquals(JobStatus.PENDING, minimal().pending("running").build().words().get("running"));
  }

  @Test
  void aRefusedWordListChangesNothing() {
    JobProtocol.Builder b = minimal();
    assertThrows(IllegalArgumentException.class, () -> b.completed("fresh", "failed"));
    assertEquals(3, b.build().words().size(), "\"fresh\" was not half-added");
  }

  @Test
  void emptyAndNullWordsAreRefused() {
    assertMessage(IllegalArgumentException.class, "No words given for pending",
        () -> JobProtocol.json().pending());
    assertMessage(IllegalArgumentException.class, "Invalid status word for completed: \"\"",
        () -> JobProtocol.json().completed(""));
    assertMessage(IllegalArgumentException.class, "Invalid status word for error: null",
        () -> JobProtocol.json().failed("ok", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"status", "/a~2", "~", "/x~"})
  void malformedPointersAreRefusedQuotingThem(String pointer) {
    for (java.util.function.Consumer<String> setter : java.util.List.<java.util.function.Consumer<String>>of(
        p -> JobProtocol.json().status(p), p -> JobProtocol.json().output(p),
        p -> JobProtocol.json().error(p), p -> JobProtocol.json().progress(p),
        p -> JobProtocol.json().eta(p, ChronoUnit.SECONDS))) {
      assertMessage(IllegalArgumentException.class, "\"" + pointer + "\"", () -> setter.accept(pointer));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jobs/{id}", "/jobs", "/jobs/{id}/{other}", "/jobs/{id}#frag",
      "/jobs/{id} x", "/jobs/{i d}", "ftp://h/{id}", "http:///{id}", "http://{id}.example/x",
      "/jobs/{id}}", "/j\u00e9/{id}", "/jobs/{ID}"})
  void malformedTemplatesAreRefusedQuotingThem(String template) {
    assertMessage(IllegalArgumentException.class, "\"" + template + "\"",
        () -> JobProtocol.json().statusUrl(template));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/predictions/{id}", "/status?job={id}", "/a/{id}/b?x=1&id={id}",
      "https://api.example.com/v1/{id}", "http://127.0.0.1:8080/jobs/{id}.json"})
  void wellFormedTemplatesAreKeptAsWritten(String template) {
    assertEquals(template, minimal().statusUrl(template).build().statusUrl());
  }

  @Test
  void etaTakesMillisOrSeconds() {
    minimal().eta("/eta", ChronoUnit.MILLIS).eta("/eta", ChronoUnit.SECONDS).build();
    assertMessage(IllegalArgumentException.class, "Invalid eta unit",
        () -> minimal().eta("/eta", ChronoUnit.HOURS));
    assertThrows(NullPointerException.class, () -> minimal().eta("/eta", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "a/b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void badNamesAreRefused(String name) {
    assertMessage(IllegalArgumentException.class, "Invalid protocol name", () -> minimal().name(name));
  }

  /** The vocabularies exactly as docs/VENDORS.md's sources give them. */
  @Test
  void profilesDeclareTheirSourcesVocabularies() {
    assertEquals(vocabulary(new String[] {"starting", "processing"}, new String[] {"succeeded"},
        new String[] {"failed", "canceled", "aborted"}), JobProtocol.replicate().words());
    assertEquals(List.of("starting", "processing", "succeeded", "failed", "canceled", "aborted"),
        List.copyOf(JobProtocol.replicate().words().keySet()), "in declaration order");
    assertEquals("/v1/predictions/{id}", JobProtocol.replicate().statusUrl());
    assertEquals(vocabulary(new String[] {"validating", "in_progress", "finalizing", "cancelling"},
        new String[] {"completed"}, new String[] {"failed", "expired", "cancelled"}),
        JobProtocol.openAiBatch().words());
    assertEquals("/v1/batches/{id}", JobProtocol.openAiBatch().statusUrl());
    assertEquals(vocabulary(new String[] {"pending", "running"}, new String[] {"completed"},
        new String[] {"failed"}), JobProtocol.heygenVideoTranslate().words());
    assertEquals("/v3/video-translations/{id}", JobProtocol.heygenVideoTranslate().statusUrl());
    assertEquals(vocabulary(new String[] {"queued", "processing"}, new String[] {"completed"},
        new String[] {"error"}), JobProtocol.assemblyAi().words());
    assertEquals("/v2/transcript/{id}", JobProtocol.assemblyAi().statusUrl());
    assertEquals(java.util.List.of("replicate", "openai-batch", "heygen-translate", "assemblyai"),
        java.util.List.of(JobProtocol.replicate().name(), JobProtocol.openAiBatch().name(),
            JobProtocol.heygenVideoTranslate().name(), JobProtocol.assemblyAi().name()));
  }

  /** Random templates: each compiles or is refused with a message quoting it; nothing else. */
  @Test
  void fuzzedTemplatesCompileOrAreRefusedCleanly() {
    Random r = new Random(2020);
    String[] parts = {"/", "{id}", "{", "}", "?", "=", "&", "#", "a", "%", ".", "..", " ", "\n",
        "http://", "https://h", ":80", "@", "\u00e9", "~"};
    int built = 0;
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder(r.nextBoolean() ? "/" : "");
      for (int k = r.nextInt(7); k >= 0; k--) {
        b.append(parts[r.nextInt(parts.length)]);
      }
      String t = b.toString();
      try {
        assertEquals(t, minimal().statusUrl(t).build().statusUrl());
        built++;
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().startsWith("Invalid status URL template")
            && e.getMessage().contains("\"" + t + "\""), e.getMessage());
      }
    }
    assertTrue(built > 100, "some random templates are fine: " + built);
  }

  private static Map<String, JobStatus> vocabulary(String[] pending, String[] completed, String[] failed) {
    Map<String, JobStatus> m = new LinkedHashMap<>();
    for (String w : pending) {
      m.put(w, JobStatus.PENDING);
    }
    for (String w : completed) {
      m.put(w, JobStatus.COMPLETED);
    }
    for (String w : failed) {
      m.put(w, JobStatus.ERROR);
    }
    return m;
  }

  private static void assertMessage(Class<? extends RuntimeException> type, String part,
      org.junit.jupiter.api.function.Executable e) {
    RuntimeException x = assertThrows(type, e);
    assertTrue(x.getMessage().contains(part), x.getMessage());
  }
}
