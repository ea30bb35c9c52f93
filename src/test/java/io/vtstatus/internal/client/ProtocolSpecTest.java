package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.json.JsonPointer;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a declared protocol reads an answer, without a network. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ProtocolSpecTest {
  private static final UnaryOperator<String> REDACT = s -> s.replace("SECRET", "[redacted]");

  private static ProtocolSpec spec(boolean strict, ChronoUnit etaUnit) {
    Map<String, JobStatus> words = new LinkedHashMap<>();
    words.put("run", JobStatus.PENDING);
    words.put("walk", JobStatus.PENDING);
    words.put("ok", JobStatus.COMPLETED);
    words.put("bad", JobStatus.ERROR);
    return new ProtocolSpec("t", UrlTemplate.compile("/j/{id}"), JsonPointer.compile("/d/s"), words,
        Optional.of(JsonPointer.compile("/d/out")), Optional.of(JsonPointer.compile("/d/err")),
        Optional.of(JsonPointer.compile("/d/eta")), etaUnit, Optional.of(JsonPointer.compile("/d/pct")),
        strict);
  }

  private static StatusAnswer read(ProtocolSpec p, String text) throws ProtocolException {
    return p.read(text, "answer", 1 << 20, REDACT);
  }

  @Test
  void readsTheDeclaredFields() throws Exception {
    String text = "{\"d\":{\"s\":\"ok\",\"out\":{\"u\":[1, 2]},\"err\":null,\"eta\":0,\"pct\":100}}";
    StatusAnswer a = read(spec(false, ChronoUnit.MILLIS), text);
    assertEquals(JobStatus.COMPLETED, a.status());
    assertEquals(Optional.of("{\"u\":[1,2]}"), a.output());
    assertEquals(Optional.empty(), a.error());
    assertEquals(Optional.of(text), a.document());
    assertEquals(Optional.empty(), a.unknownWord());
    assertEquals(Optional.of(Duration.ZERO), a.eta());
    assertEquals(OptionalInt.of(100), a.progress());
    assertEquals(Optional.empty(), a.jobId());
    assertEquals(Optional.empty(), a.updatedAt());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "run => PENDING", "walk => PENDING", "ok => COMPLETED", "bad => ERROR"})
  void eachWordMeansItsStatus(String word, JobStatus status) throws Exception {
    assertEquals(status, read(spec(true, ChronoUnit.MILLIS), "{\"d\":{\"s\":\"" + word + "\"}}").status());
  }

  @Test
  void accessorsAndIdsOfADeclaredProtocol() {
    ProtocolSpec p = spec(true, ChronoUnit.MILLIS);
    assertEquals("t", p.name());
    assertEquals("/j/{id}", p.template().toString());
    assertEquals(java.util.List.of("run", "walk", "ok", "bad"), java.util.List.copyOf(p.words().keySet()));
    assertEquals(Optional.of(JsonPointer.compile("/d/s")), p.statusPointer());
    assertEquals(Optional.of(JsonPointer.compile("/d/out")), p.output());
    assertEquals(Optional.of(JsonPointer.compile("/d/err")), p.error());
    assertTrue(p.strictWords());
    assertFalse(spec(false, ChronoUnit.MILLIS).strictWords());
    assertThrows(IllegalArgumentException.class, () -> p.statusUri(URI.create("http://h"), "."));
    assertThrows(IllegalArgumentException.class, () -> ProtocolSpec.VTSTATUS.statusUri(URI.create("http://h"), "a b"));
  }

  @Test
  void wordsMatchExactly() throws Exception {
    StatusAnswer a = read(spec(false, ChronoUnit.MILLIS), "{\"d\":{\"s\":\"OK\"}}");
    assertEquals(JobStatus.PENDING, a.status());
    assertEquals(Optional.of("OK"), a.unknownWord());
  }

  @Test
  void anUndeclaredWordIsPendingOrStrictlyRefusedWithARedactedQuote() throws Exception {
    assertEquals(Optional.of("SECRET"), read(spec(false, ChronoUnit.MILLIS), "{\"d\":{\"s\":\"SECRET\"}}").unknownWord());
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> read(spec(true, ChronoUnit.MILLIS), "{\"d\":{\"s\":\"SECRET\"}}"));
    assertEquals("answer has a status word this protocol does not declare, \"[redacted]\" at /d/s",
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", quoteCharacter = '`', value = {
      "`{\"d\":{}}` => answer has no status at /d/s: {\"d\":{}}",
      "`{\"d\":{\"s\":null,\"k\":\"SECRET\"}}` => answer has no status at /d/s: {\"d\":{\"s\":null,\"k\":\"[redacted]\"}}",
      "`{\"d\":{\"s\":1}}` => answer has no status word (not a string) at /d/s: {\"d\":{\"s\":1}}",
      "`{\"d\":{\"s\":[\"ok\"]}}` => answer has no status word (not a string) at /d/s: {\"d\":{\"s\":[\"ok\"]}}",
      "`SECRET` => answer is not JSON (unexpected character 'S' at offset 0): [redacted]"})
  void unusableAnswersSayWhyAndQuoteRedacted(String text, String message) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> read(spec(false, ChronoUnit.MILLIS), text));
    assertEquals(message, e.getMessage());
  }

  @Test
  void theLengthBoundIsTheCallers() throws Exception {
    String text = "{\"d\":{\"s\":\"ok\"}}";
    spec(false, ChronoUnit.MILLIS).read(text, "answer", text.length(), REDACT);
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> spec(false, ChronoUnit.MILLIS).read(text, "answer", text.length() - 1, REDACT));
    assertTrue(e.getMessage().contains("longer than " + (text.length() - 1)), e.getMessage());
  }

  @Test
  void outputAndErrorAreStringsAsTheyAreAndOtherValuesAsJson() throws Exception {
    ProtocolSpec p = spec(false, ChronoUnit.MILLIS);
    StatusAnswer a = read(p, "{\"d\":{\"s\":\"bad\",\"out\":\"a \\\"q\\\"\",\"err\":7}}");
    assertEquals(Optional.of("a \"q\""), a.output());
    assertEquals(Optional.of("7"), a.error());
    assertEquals(Optional.of("true"), read(p, "{\"d\":{\"s\":\"bad\",\"err\":true}}").error());
    assertEquals(Optional.empty(), read(p, "{\"d\":{\"s\":\"bad\"}}").error());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "1500 => MILLIS => PT1.5S", "2.5 => SECONDS => PT2.5S", "0.0015 => SECONDS => PT0.0015S",
      "86400 => SECONDS => PT24H", "86401 => SECONDS => PT24H", "1e30 => MILLIS => PT24H",
      "86400000 => MILLIS => PT24H"})
  void etaIsReadInItsUnitAndCappedAtADay(String value, ChronoUnit unit, String expected) throws Exception {
    assertEquals(Optional.of(Duration.parse(expected)),
        read(spec(false, unit), "{\"d\":{\"s\":\"run\",\"eta\":" + value + "}}").eta());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {"-1", "\"5\"", "null", "[1]"})
  void anUnusableEtaIsNone(String value) throws Exception {
    assertEquals(Optional.empty(), read(spec(false, ChronoUnit.SECONDS), "{\"d\":{\"s\":\"run\",\"eta\":" + value + "}}").eta());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {"0 => 0", "42.9 => 42", "100 => 100", "101 => -1",
      "-0.5 => -1", "\"50\" => -1", "null => -1"})
  void progressIsAPercentage(String value, int expected) throws Exception {
    OptionalInt got = read(spec(false, ChronoUnit.SECONDS), "{\"d\":{\"s\":\"run\",\"pct\":" + value + "}}").progress();
    assertEquals(expected < 0 ? OptionalInt.empty() : OptionalInt.of(expected), got);
  }

  @Test
  void withoutEtaOrProgressPointersThereAreNone() throws Exception {
    ProtocolSpec p = new ProtocolSpec("t", UrlTemplate.compile("/j/{id}"), JsonPointer.compile("/s"),
        Map.of("p", JobStatus.PENDING, "c", JobStatus.COMPLETED, "f", JobStatus.ERROR),
        Optional.empty(), Optional.empty(), Optional.empty(), ChronoUnit.MILLIS, Optional.empty(), false);
    StatusAnswer a = read(p, "{\"s\":\"p\",\"eta\":5,\"pct\":5,\"output\":\"x\"}");
    assertEquals(Optional.empty(), a.eta());
    assertEquals(OptionalInt.empty(), a.progress());
    assertEquals(Optional.empty(), a.output());
    assertFalse(p.builtin());
    assertEquals(1 << 20, p.defaultMaxBody());
    assertEquals("t (GET /j/{id}, status at /s)", p.toString());
  }

  @Test
  void theBuiltInProtocolReadsTheVtstatusShapeAndKeepsItsIdRule() throws Exception {
    ProtocolSpec v = ProtocolSpec.VTSTATUS;
    assertTrue(v.builtin());
    assertEquals(64 * 1024, v.defaultMaxBody());
    assertEquals("vtstatus", v.toString());
    assertEquals(Optional.empty(), v.statusPointer());
    String text = "{\"job\":\"j\",\"result\":\"completed\",\"updated_at\":\"2026-12-01T10:00:00.000001Z\"}";
    StatusAnswer a = v.read(text, "answer", 1 << 20, REDACT);
    assertEquals(JobStatus.COMPLETED, a.status());
    assertEquals(Optional.of(text), a.document());
    assertEquals(Optional.of(Instant.parse("2026-12-01T10:00:00.000001Z")), a.updatedAt());
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> v.read("{\"status\":\"SECRET\"}", "answer", 1 << 20, REDACT));
    assertTrue(e.getMessage().contains("\"[redacted]\""), e.getMessage());
    assertEquals(URI.create("http://h/status?job=a.b"), v.statusUri(URI.create("http://h"), "a.b"));
    assertThrows(IllegalArgumentException.class, () -> v.checkId("a/b"));
    assertThrows(IllegalArgumentException.class, () -> v.checkId("x".repeat(129)));
    v.checkId("..");
    assertEquals(URI.create("http://h/status?job=.."), v.statusUri(URI.create("http://h"), ".."));
    assertThrows(IllegalArgumentException.class, () -> spec(false, ChronoUnit.MILLIS).checkId(".."));
    spec(false, ChronoUnit.MILLIS).checkId("a/b");
    assertEquals(URI.create("http://h/j/a%2Fb"), spec(false, ChronoUnit.MILLIS).statusUri(URI.create("http://h"), "a/b"));
  }
}
