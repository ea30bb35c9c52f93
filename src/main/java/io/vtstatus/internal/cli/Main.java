package io.vtstatus.internal.cli;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code vtstatus} command line: {@code server}, {@code wait}, {@code demo}, {@code advise}.
 * The benchmark harness is a separate jar ({@code make bench}), never shipped to users.
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "usage: java -jar vtstatus.jar <command> [options]",
      "  server   run the simulator of the job-status backend",
      "  wait     wait for a job (or submit one) and print how it ended",
      "  demo     run jobs on an embedded simulator and show webhooks and polling race",
      "  advise   from job durations you observed: what to poll at, what your schedule costs",
      "Run a command with --help for its options.");

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs a command and returns its exit code ({@code server} returns once it is stopped). */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "server":
        return ServerCommand.run(rest, out, err);
      case "wait":
        return WaitCommand.run(rest, out, err);
      case "demo":
        return DemoCommand.run(rest, out, err);
      case "bench":
        err.println("vtstatus: bench is not in this jar; it is built and run by `make bench`"
            + " (target/vtstatus-bench.jar, from a source checkout)");
        return 2;
      case "advise":
        return AdviseCommand.run(rest, out, err);
      case "-h":
      case "--help":
      case "help":
        out.println(USAGE);
        return 0;
      default:
        err.println("vtstatus: unknown command '" + args[0] + "'\n" + USAGE);
        return 2;
    }
  }
}
