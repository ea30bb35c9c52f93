package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The status URL template: encoding, resolution, origins and the ids it refuses. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UrlTemplateTest {

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "abc => abc", "A-Z_a.z~0 => A-Z_a.z~0", "a/b => a%2Fb", "a b => a%20b", "a+b => a%2Bb",
      "%41 => %2541", "x?y#z => x%3Fy%23z", "a&b=c => a%26b%3Dc", "é => %C3%A9",
      "\u20ac => %E2%82%AC", "\ud83d\ude00 => %F0%9F%98%80", "... => ...", "a.. => a.."})
  void encodesAllButUnreservedCharacters(String id, String encoded) {
    assertEquals(encoded, UrlTemplate.encode(id));
  }

  @Test
  void expandsRelativeTemplatesAgainstTheServerPathIncluded() {
    UrlTemplate t = UrlTemplate.compile("/v1/jobs/{id}");
    assertEquals(URI.create("http://h:8/v1/jobs/a%2Fb"), t.expand("http://h:8", "a/b"));
    assertEquals(URI.create("http://h/api/v1/jobs/x"), t.expand("http://h/api/", "x"));
    assertEquals(URI.create("http://h/api/v1/jobs/x"), t.expand("http://h/api//", "x"));
    UrlTemplate q = UrlTemplate.compile("/s?job={id}&also={id}");
    assertEquals(URI.create("http://h/s?job=a%26b&also=a%26b"), q.expand("http://h", "a&b"));
  }

  @Test
  void absoluteTemplatesIgnoreTheServer() {
    UrlTemplate t = UrlTemplate.compile("HTTPS://Api.Example.com/j/{id}");
    assertEquals(URI.create("HTTPS://Api.Example.com/j/x"), t.expand("http://other", "x"));
    assertEquals("https://api.example.com:443", t.origin("http://other"));
    assertEquals("HTTPS://Api.Example.com/j/{id}", t.toString());
  }

  @Test
  void originsMakeDefaultPortsExplicitAndIgnoreCase() {
    assertEquals("http://h:80", UrlTemplate.origin(URI.create("http://H/x")));
    assertEquals("https://h:443", UrlTemplate.origin(URI.create("https://h/x")));
    assertEquals("http://h:8080", UrlTemplate.origin(URI.create("http://h:8080")));
    assertEquals("http://127.0.0.1:9", UrlTemplate.compile("/j/{id}").origin("http://127.0.0.1:9/base"));
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "..", ""})
  void refusesIdsNoEncodingMakesSafe(String id) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UrlTemplate.compile("/j/{id}").expand("http://h", id));
    assertTrue(e.getMessage().startsWith("Invalid job id"), e.getMessage());
  }

  @Test
  void refusesControlCharactersUnpairedSurrogatesAndOverlongIds() {
    for (String id : new String[] {"a\u0000", "\u001fb", "a\u007f", "\u0080", "\u0085", "\u009f", "\ud800", "a\udc00",
        "\ude00\ud83d", null}) {
      assertThrows(IllegalArgumentException.class, () -> UrlTemplate.checkId(id), String.valueOf(id));
    }
    UrlTemplate.checkId("\u00a0");
    UrlTemplate.checkId(" ");
    UrlTemplate.checkId("\ud83d\ude00");
    UrlTemplate.checkId("x".repeat(UrlTemplate.MAX_ID_LENGTH));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UrlTemplate.checkId("x".repeat(UrlTemplate.MAX_ID_LENGTH + 1)));
    assertTrue(e.getMessage().contains("longer than 1024"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiterString = "=>", value = {
      "v1/{id} => must start with '/'",
      "/jobs => has no {id}",
      "/j/{id}/{x} => has a brace",
      "/j/{id}} => has a brace",
      "/j/{id}#f => has a fragment",
      "'/j/{id} ' => has a space",
      "/j/\u00e9{id} => non-ASCII character at offset 3",
      "/j/{id}|x => is not a valid URI",
      "http://{id}/x => needs a host",
      "http://a{id}b.c/x => needs a host",
      "http:///{id} => needs a host"})
  void refusesMalformedTemplatesSayingWhy(String template, String why) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UrlTemplate.compile(template));
    assertTrue(e.getMessage().contains(why) && e.getMessage().contains("\"" + template + "\""),
        e.getMessage());
  }

  @Test
  void theEdgesOfTheUnreservedSetAreEncoded() {
    assertEquals("%40AZ%5B%60az%7B%2F09%3A-._~%7F", UrlTemplate.encode("@AZ[`az{/09:-._~\u007f"));
    UrlTemplate.compile("/!/{id}");
    assertThrows(IllegalArgumentException.class, () -> UrlTemplate.compile("/\u007f/{id}"));
  }

  @Test
  void refusesNull() {
    assertThrows(IllegalArgumentException.class, () -> UrlTemplate.compile(null));
  }
}
