/**
 * vtstatus: know when a long-running remote job is done.
 *
 * <p>{@code io.vtstatus} is the client API; {@code io.vtstatus.simulator} is a simulator of the
 * backend for tests and demos. Everything under {@code io.vtstatus.internal} is private.
 */
module io.vtstatus {
  requires transitive java.net.http;
  requires jdk.httpserver;
  // Thread and heap figures for `bench`.
  requires java.management;

  exports io.vtstatus;
  exports io.vtstatus.simulator;
}
