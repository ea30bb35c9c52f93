package io.vtstatus.internal.sim;

import io.vtstatus.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A response not yet written: it may be written later, from the scheduler. {@code body} is the
 * UTF-8 JSON, null for an empty response; it is never modified once built, so a cached one may
 * be shared by many responses.
 */
record Response(int code, byte[] body, Map<String, String> headers, Optional<Hold> hold) {
  /**
   * An answer that waits: the exchange is parked until {@code job} ends or {@code waitNanos}
   * pass, whichever is first, and then answered with what {@code answer} says at that moment.
   */
  record Hold(Job job, long waitNanos, Supplier<Response> answer) {}

  Response(int code, byte[] body, Map<String, String> headers) {
    this(code, body, headers, Optional.empty());
  }

  static Response held(Job job, long waitNanos, Supplier<Response> answer) {
    return new Response(0, null, Map.of(), Optional.of(new Hold(job, waitNanos, answer)));
  }

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
    return new Response(code, body, h, hold);
  }
}
