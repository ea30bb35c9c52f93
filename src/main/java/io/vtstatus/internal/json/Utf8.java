package io.vtstatus.internal.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Strict UTF-8 decoding, behind {@link Json#utf8(byte[])}. */
final class Utf8 {
  private Utf8() {}

  /** Decodes {@code bytes}, refusing what is not UTF-8; see {@link Json#utf8(byte[])}. */
  static String decode(byte[] bytes) throws JsonException {
    if (bytes == null) {
      throw new JsonException("no body");
    }
    int i = 0;
    while (i < bytes.length && bytes[i] >= 0) {
      i++;
    }
    if (i == bytes.length) {
      // All ASCII (every status and webhook body we send): no decoder needed.
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    // UTF-8 never decodes to more UTF-16 units than it has bytes.
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      throw new JsonException("invalid UTF-8 at byte " + in.position());
    }
    return out.flip().toString();
  }
}
