/**
 * vtstatus: know when a long-running remote job is done.
 *
 * <p>{@code io.vtstatus} is the client API; {@code io.vtstatus.simulator} is a simulator of the
 * backend for tests and demos. Everything under {@code io.vtstatus.internal} is private.
 */
module io.vtstatus {
  requires java.net.http;
  requires jdk.httpserver;

  exports io.vtstatus;
  exports io.vtstatus.simulator;
}
