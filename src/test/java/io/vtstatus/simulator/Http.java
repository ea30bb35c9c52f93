package io.vtstatus.simulator;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import io.vtstatus.internal.util.Threads;

/** A tiny blocking HTTP client for tests; one shared JDK client so tests create no threads. */
final class Http {
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          // Named, so thread-leak checks can tell the test's threads from the simulator's.
          .executor(Executors.newCachedThreadPool(Threads.daemon("test-http")))
          .build();

  private Http() {}

  static HttpResponse<String> get(URI uri) {
    return send("GET", uri, null);
  }

  static HttpResponse<String> post(URI uri, String body, String... headers) {
    return send("POST", uri, body, headers);
  }

  static HttpResponse<String> delete(URI uri) {
    return send("DELETE", uri, null);
  }

  static HttpResponse<String> send(String method, URI uri, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .method(method, body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Map<String, Object> json(HttpResponse<String> r) {
    try {
      return Json.parseObject(r.body());
    } catch (JsonException e) {
      throw new AssertionError("not a JSON object: " + r.body(), e);
    }
  }

  static Map<String, Object> json(String s) {
    try {
      return Json.parseObject(s);
    } catch (JsonException e) {
      throw new AssertionError("not a JSON object: " + s, e);
    }
  }
}
