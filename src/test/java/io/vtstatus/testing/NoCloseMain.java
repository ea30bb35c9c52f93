package io.vtstatus.testing;

import io.vtstatus.StatusClient;
import java.net.URI;

/**
 * A user's {@code main} that forgets {@code close()}: waits for one job and returns. Run in a
 * subprocess by {@code ExitTest}: the JVM must exit by itself. {@code seed} runs the README's
 * seed snippet instead.
 */
public final class NoCloseMain {
  private NoCloseMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("seed")) {
      System.out.println(StatusClient.create(args[1], 0).startClientWithWebhook());
      return;
    }
    StatusClient client = StatusClient.builder(URI.create(args[1])).build();
    System.out.println(client.await(args[2]).status());
  }
}
