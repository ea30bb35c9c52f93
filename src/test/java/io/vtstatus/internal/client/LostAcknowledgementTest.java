package io.vtstatus.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.vtstatus.JobListener;
import io.vtstatus.WebhookOptions;
import io.vtstatus.WebhookSigner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A verified delivery is acted on whether or not its 2xx got out. The listener remembers a
 * verified id before it answers; if it acted only after a successful answer, a sender that reset
 * after sending its body would lose the event for good, its retry with the same id ignored.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LostAcknowledgementTest {
  private static final String BODY = "{\"job\":\"j1\",\"result\":\"completed\",\"status\":\"completed\"}";

  /** One request, its answer written nowhere or failing as a reset connection does. */
  static final class Exchange extends HttpExchange {
    final Headers request = new Headers();
    final Headers response = new Headers();
    final InputStream body;
    final boolean resetBeforeAnswer;
    int code = -1;

    Exchange(byte[] body, boolean resetBeforeAnswer) {
      this.body = new ByteArrayInputStream(body);
      this.resetBeforeAnswer = resetBeforeAnswer;
    }

    @Override
    public Headers getRequestHeaders() {
      return request;
    }

    @Override
    public Headers getResponseHeaders() {
      return response;
    }

    @Override
    public URI getRequestURI() {
      return URI.create("/webhook");
    }

    @Override
    public String getRequestMethod() {
      return "POST";
    }

    @Override
    public HttpContext getHttpContext() {
      return null;
    }

    @Override
    public void close() {}

    @Override
    public InputStream getRequestBody() {
      return body;
    }

    @Override
    public OutputStream getResponseBody() {
      return new ByteArrayOutputStream();
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) throws IOException {
      if (resetBeforeAnswer) {
        throw new IOException("Connection reset by peer");
      }
      code = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public int getResponseCode() {
      return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return new InetSocketAddress("127.0.0.1", 2);
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream i, OutputStream o) {}

    @Override
    public HttpPrincipal getPrincipal() {
      return null;
    }
  }

  private static Exchange delivery(String secret, String id, boolean reset) {
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    long ts = Clock.systemUTC().instant().getEpochSecond();
    Exchange ex = new Exchange(body, reset);
    ex.request.set("Content-Type", "application/json");
    ex.request.set("Content-Length", Integer.toString(body.length));
    ex.request.set("webhook-id", id);
    ex.request.set("webhook-timestamp", Long.toString(ts));
    ex.request.set("webhook-signature", WebhookSigner.of(secret).sign(id, ts, body));
    return ex;
  }

  @Test
  void aVerifiedDeliveryIsActedOnEvenWhenItsAcknowledgementIsLost() throws Exception {
    String secret = WebhookSigner.newSecret();
    List<String> acted = new CopyOnWriteArrayList<>();
    WebhookOptions o = WebhookOptions.port(0).secret(secret);
    WebhookIntake in = new WebhookIntake(
        (job, event, verified, raw) -> acted.add(job + " " + event.status() + " " + verified),
        new JobListener() {}, TrustedKeys.of(o), WebhookScheme.STANDARD, ProtocolSpec.VTSTATUS,
        Clock.systemUTC(), StatusAnswer.MAX_BODY, () -> {});
    WebhookListener l = WebhookListener.bind(new JobListener() {}, o);
    try {
      l.start(in);
      l.handle(delivery(secret, "msg_1", true));
      assertEquals(List.of("j1 COMPLETED true"), acted, "acted on what was verified");
      Exchange retry = delivery(secret, "msg_1", false);
      l.handle(retry);
      assertEquals(204, retry.code, "the retry is acknowledged");
      assertEquals(List.of("j1 COMPLETED true"), acted, "and not acted on twice");
    } finally {
      l.stop(Duration.ZERO);
    }
  }
}
