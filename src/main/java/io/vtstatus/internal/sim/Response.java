package io.vtstatus.internal.sim;

import io.vtstatus.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response not yet written: it may be written later, from the scheduler. {@code body} is the
 * UTF-8 JSON, null for an empty response; it is never modified once built, so a cached one may
 * be shared by many responses.
 */
record Response(int code, byte[] body, Map<String, String> headers) {
  static Response json(int code, String json) {
    return new Response(code, json.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  static Response error(int code, String message) {
    return json(code, Json.obj().put("error", message).toString());
  }

  static Response empty(int code) {
    return new Response(code, null, Map.of());
  }

  Response with(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Response(code, body, h);
  }
}
