package io.vtstatus.internal.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link Transport} that records every call and answers only when the test says so. */
final class FakeTransport implements Transport {
  /** One call and the future the client is waiting on. */
  static final class Sent {
    final Call call;
    final CompletableFuture<Reply> reply;

    Sent(Call call, CompletableFuture<Reply> reply) {
      this.call = call;
      this.reply = reply;
    }

    void answer(int status, String body, String... headers) {
      Map<String, List<String>> h = new java.util.HashMap<>();
      for (int i = 0; i + 1 < headers.length; i += 2) {
        h.put(headers[i].toLowerCase(java.util.Locale.ROOT), List.of(headers[i + 1]));
      }
      reply.complete(new Reply(status, h, body.getBytes(StandardCharsets.UTF_8)));
    }

    void status(String jobId, String word) {
      answer(200, "{\"job\":\"" + jobId + "\",\"result\":\"" + word + "\",\"status\":\"" + word + "\"}");
    }

    boolean open() {
      return !reply.isDone();
    }
  }

  final List<Sent> sent = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<Reply> send(Call call) {
    CompletableFuture<Reply> f = new CompletableFuture<>();
    sent.add(new Sent(call, f));
    return f;
  }

  @Override
  public void close() {}

  /** Calls whose URI contains {@code fragment}. */
  List<Sent> to(String fragment) {
    List<Sent> r = new ArrayList<>();
    for (Sent s : sent) {
      if (s.call.uri().toString().contains(fragment)) {
        r.add(s);
      }
    }
    return r;
  }

  /** Calls still waiting for an answer. */
  List<Sent> open() {
    List<Sent> r = new ArrayList<>();
    for (Sent s : sent) {
      if (s.open()) {
        r.add(s);
      }
    }
    return r;
  }

  Sent last() {
    return sent.get(sent.size() - 1);
  }
}
