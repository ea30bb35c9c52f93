package io.vtstatus.internal.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** The {@code vtstatus} command line: one subcommand per case. */
public final class Main {
  static final String USAGE = "usage: vtstatus server [options]   (vtstatus server --help)";

  private Main() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "server":
        return ServerCommand.run(rest, out, err);
      case "--help":
      case "-h":
      case "help":
        out.println(USAGE);
        return 0;
      default:
        err.println("vtstatus: unknown command '" + args[0] + "'; " + USAGE);
        return 2;
    }
  }
}
