package io.vtstatus.internal.client;

import io.vtstatus.JobTimeoutException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;

/** How a blocking wait reports a watch's failure: one rule for every caller that blocks. */
public final class Outcomes {
  private Outcomes() {}

  /**
   * The failure behind {@code e} as {@code StatusClient.await} throws it: a timeout or a runtime
   * failure thrown as it is, an {@link IOException} returned for the caller to throw, anything
   * else wrapped in one.
   */
  public static IOException unwrap(ExecutionException e) throws JobTimeoutException {
    Throwable c = e.getCause();
    if (c instanceof JobTimeoutException) {
      throw (JobTimeoutException) c;
    }
    if (c instanceof RuntimeException) {
      throw (RuntimeException) c;
    }
    return c instanceof IOException ? (IOException) c : new IOException(c);
  }
}
