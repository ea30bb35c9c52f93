package io.vtstatus.internal.jfr;

import io.vtstatus.DetectedBy;
import io.vtstatus.JobNotFoundException;
import io.vtstatus.JobStatus;
import io.vtstatus.JobTimeoutException;
import io.vtstatus.ProtocolException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The Flight Recorder side of {@link Flight}: the only class that names {@code jdk.jfr}, loaded
 * only when the module is present. Stack traces are off: they would cost on every commit and say
 * nothing the event's own fields do not.
 */
final class JfrSink implements Flight.Sink {

  @Name("io.vtstatus.Poll")
  @Label("Status Poll")
  @Category("vtstatus")
  @Description("One status request of a watch, from send to answer or failure")
  @StackTrace(false)
  static final class PollEvent extends Event {
    @Label("Job Id")
    String jobId;

    @Label("Poll")
    @Description("The watch's request number, 1 for its first")
    int poll;

    @Label("Status")
    @Description("The status answered; empty when the request failed")
    String status;

    @Label("Error")
    @Description("The failure's type when the request failed")
    String error;
  }

  @Name("io.vtstatus.Webhook")
  @Label("Webhook Delivery")
  @Category("vtstatus")
  @Description("One delivery checked by the client: size, scheme, body, replay")
  @StackTrace(false)
  static final class WebhookEvent extends Event {
    @Label("Job Id")
    @Description("Empty when the body could not be read")
    String jobId;

    @Label("Status")
    String status;

    @Label("Verified")
    @Description("False for a hint (unsigned, or no key yet) or a refusal")
    boolean verified;

    @Label("Answer Code")
    int code;
  }

  @Name("io.vtstatus.WatchEnded")
  @Label("Watch Ended")
  @Category("vtstatus")
  @Description("A watch ended, once: found by a signal, or given up")
  @StackTrace(false)
  static final class WatchEndedEvent extends Event {
    @Label("Job Id")
    String jobId;

    @Label("Status")
    @Description("The ended job's status, or the last one seen when the watch failed")
    String status;

    @Label("Signal")
    @Description("webhook, poll, timeout, cancelled, not-found, unusable-answer or error")
    String signal;

    @Label("Polls")
    int polls;

    @Label("Waited")
    @Description("From watch() to its end")
    @Timespan(Timespan.NANOSECONDS)
    long waited;
  }

  @Name("io.vtstatus.Registration")
  @Label("Webhook Registration")
  @Category("vtstatus")
  @Description("One request registering the client's webhook URL with the server")
  @StackTrace(false)
  static final class RegistrationEvent extends Event {
    @Label("Attempt")
    @Description("1, or how many failed in a row before this one plus one")
    int attempt;

    @Label("Registered")
    boolean registered;

    @Label("Error")
    @Description("The failure's type when it failed")
    String error;
  }

  @Override
  public Object pollBegin() {
    return begun(new PollEvent());
  }

  @Override
  public void pollEnd(Object token, String jobId, int poll, JobStatus status, Throwable failure) {
    if (ended(token)) {
      PollEvent e = (PollEvent) token;
      e.jobId = jobId;
      e.poll = poll;
      e.status = status == null ? "" : status.name();
      e.error = typeOf(failure);
      e.commit();
    }
  }

  @Override
  public Object webhookBegin() {
    return begun(new WebhookEvent());
  }

  @Override
  public void webhookEnd(Object token, String jobId, JobStatus status, boolean verified, int code) {
    if (ended(token)) {
      WebhookEvent e = (WebhookEvent) token;
      e.jobId = jobId == null ? "" : jobId;
      e.status = status == null ? "" : status.name();
      e.verified = verified;
      e.code = code;
      e.commit();
    }
  }

  @Override
  public void watchEnded(String jobId, JobStatus status, DetectedBy by, Throwable failure,
      int polls, long waitedNanos) {
    WatchEndedEvent e = new WatchEndedEvent();
    if (e.shouldCommit()) {
      e.jobId = jobId;
      e.status = status == null ? "" : status.name();
      e.signal = by != null ? by.wireName() : signalOf(failure);
      e.polls = polls;
      e.waited = waitedNanos;
      e.commit();
    }
  }

  @Override
  public Object registrationBegin() {
    return begun(new RegistrationEvent());
  }

  @Override
  public void registrationEnd(Object token, int attempt, Throwable failure) {
    if (ended(token)) {
      RegistrationEvent e = (RegistrationEvent) token;
      e.attempt = attempt;
      e.registered = failure == null;
      e.error = typeOf(failure);
      e.commit();
    }
  }

  /** {@code e} begun, or null when no recording wants it: then nothing more is built. */
  private static Event begun(Event e) {
    if (!e.isEnabled()) {
      return null;
    }
    e.begin();
    return e;
  }

  /** Ends a begun event (a null token: none was); true if it should be committed. */
  private static boolean ended(Object token) {
    if (token == null) {
      return false;
    }
    Event e = (Event) token;
    e.end();
    return e.shouldCommit();
  }

  /** How a watch gave up, in the words of the event's description. */
  static String signalOf(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof JobTimeoutException) {
      return "timeout";
    }
    if (t instanceof CancellationException) {
      return "cancelled";
    }
    if (t instanceof JobNotFoundException) {
      return "not-found";
    }
    if (t instanceof ProtocolException) {
      return "unusable-answer";
    }
    return "error";
  }

  /** The type only: a message may quote what a server sent back. */
  private static String typeOf(Throwable failure) {
    Throwable t = unwrap(failure);
    return t == null ? "" : t.getClass().getName();
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
