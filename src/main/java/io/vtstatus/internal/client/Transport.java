package io.vtstatus.internal.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * How the client talks HTTP: one exchange in, one reply out, the whole exchange (connect,
 * headers and body) bounded by the call's timeout. Production uses {@link HttpTransport};
 * tests use a fake that answers when the test says so.
 */
interface Transport {

  /**
   * Starts {@code call}. The future completes with the reply, or exceptionally with an {@link
   * java.io.IOException} (timeouts included) or {@link io.vtstatus.ProtocolException} (a reply
   * we refuse to read, such as one over the size limit), never later than the call's timeout
   * plus scheduling slack. Cancelling it aborts the exchange.
   */
  CompletableFuture<Reply> send(Call call);

  /** Aborts what is in flight and releases the transport's threads. Idempotent. */
  void close();

  /**
   * One request: method, target, headers, optional body, and the time it may take in all; {@code
   * held}: the server is expected to hold it (a long poll), so the transport should not tie up a
   * thread while it waits.
   */
  record Call(String method, URI uri, Map<String, String> headers, Optional<byte[]> body,
      Duration timeout, boolean held) {
    public Call {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(uri, "uri");
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(timeout, "timeout");
    }

    Call(String method, URI uri, Map<String, String> headers, Optional<byte[]> body,
        Duration timeout) {
      this(method, uri, headers, body, timeout, false);
    }

    /** This call, marked as one the server is expected to hold. */
    Call asHeld() {
      return new Call(method, uri, headers, body, timeout, true);
    }

    /** {@code GET uri}, asking for JSON. */
    static Call get(URI uri, Duration timeout) {
      return get(uri, timeout, Map.of());
    }

    /** {@code GET uri}, asking for JSON, with {@code extra} headers (credentials). */
    static Call get(URI uri, Duration timeout, Map<String, String> extra) {
      if (extra.isEmpty()) {
        return new Call("GET", uri, Map.of("Accept", "application/json"), Optional.empty(), timeout);
      }
      Map<String, String> h = new java.util.HashMap<>(extra);
      h.put("Accept", "application/json");
      return new Call("GET", uri, h, Optional.empty(), timeout);
    }

    /** {@code POST uri} with a JSON body and any extra headers. */
    static Call postJson(URI uri, byte[] json, Map<String, String> extra, Duration timeout) {
      Map<String, String> h = new java.util.HashMap<>(extra);
      h.put("Content-Type", "application/json");
      h.put("Accept", "application/json");
      return new Call("POST", uri, h, Optional.of(json), timeout);
    }

    /** What error messages call it: {@code GET http://…/status?job=x}. */
    String describe() {
      return method + " " + uri;
    }

    /** The request and its header names: header values may be credentials. */
    @Override
    public String toString() {
      return describe() + " " + new java.util.TreeSet<>(headers.keySet());
    }
  }

  /** A reply: status, headers (names in lower case) and the body's bytes. */
  record Reply(int status, Map<String, List<String>> headers, byte[] body) {
    public Reply {
      Objects.requireNonNull(headers, "headers");
      Objects.requireNonNull(body, "body");
    }

    /** The first value of header {@code name}, matched case-insensitively. */
    Optional<String> header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }
  }
}
