package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The token's text: what it keeps, what it leaves out, and every reason to refuse one. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ResumeTokenTest {
  private static final Instant BEGAN = Instant.parse("2026-12-07T01:00:00.123Z");

  @Test
  void aTokenReadsBackAsWritten() {
    ResumeToken t = new ResumeToken("http://h:8080/api", "replicate", "job_1",
        Optional.of(BEGAN.plusSeconds(600)), 7, BEGAN);
    assertEquals(t, ResumeToken.decode(t.encode()));
    ResumeToken open = new ResumeToken("https://h", "vtstatus", "j", Optional.empty(), 0, BEGAN);
    assertEquals(open, ResumeToken.decode(open.encode()));
    assertTrue(t.encode().startsWith("vt1."), t.encode());
  }

  @Test
  void theServerKeepsNoUserInfoQueryOrTrailingSlash() {
    assertEquals("https://api.example.com:8443/v1",
        ResumeToken.serverOf(URI.create("https://user:pw@api.example.com:8443/v1/?key=s3cret#x")));
    assertEquals("http://127.0.0.1", ResumeToken.serverOf(URI.create("http://127.0.0.1")));
    assertEquals("http://h:1", ResumeToken.serverOf(URI.create("http://h:1//")));
  }

  @Test
  void eachRefusalSaysWhy() {
    String[][] cases = {
      {"vt3.e30", "version 3"},
      {"vt1.%%%", "want vt1."},
      {"vt1.e30", "no server"},
      {"vt1.eyJzIjoiaCJ9", "no protocol"},
      {"vt1." + "A".repeat(ResumeToken.MAX_LENGTH), "longer than"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ResumeToken.decode(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> ResumeToken.decode(null));
  }

  @Test
  void aTokenOfTheLongestLengthIsRead() {
    String json = "{\"s\":\"http://h\",\"p\":\"vtstatus\",\"j\":\"j\",\"n\":0,\"b\":0,\"x\":\"";
    // Pad a valid token to exactly the limit: the bound is inclusive.
    StringBuilder pad = new StringBuilder();
    String token;
    do {
      pad.append('a');
      token = "vt1." + java.util.Base64.getUrlEncoder().withoutPadding()
          .encodeToString((json + pad + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } while (token.length() < ResumeToken.MAX_LENGTH);
    assertEquals(ResumeToken.MAX_LENGTH, token.length());
    assertEquals("j", ResumeToken.decode(token).jobId());
  }
}
