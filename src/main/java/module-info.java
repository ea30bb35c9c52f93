/**
 * vtstatus: know when a long-running remote job is done.
 *
 * <p>{@code io.vtstatus} is the client API; {@code io.vtstatus.simulator} is a simulator of the
 * backend for tests and demos. Everything under {@code io.vtstatus.internal} is private.
 */
module io.vtstatus {
  requires java.net.http;
  requires jdk.httpserver;
  // Flight Recorder events when the runtime has the module; the client works without it.
  requires static jdk.jfr;

  exports io.vtstatus;
  exports io.vtstatus.simulator;
}
