package io.vtstatus.internal.cli;

/** The {@code vtstatus} command line: {@code server}, {@code wait}, {@code demo}, {@code bench}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String[] args) {
    System.err.println("usage: vtstatus server|wait|demo|bench [options]");
    return 2;
  }
}
