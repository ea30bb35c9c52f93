package io.vtstatus.simulator;

/** Placeholder: the simulator arrives with issue 2. */
public final class SimulatorServer {
  private SimulatorServer() {}
}
