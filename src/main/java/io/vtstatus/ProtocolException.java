package io.vtstatus;

import java.io.IOException;

/**
 * The server answered something we cannot use; the message says what came back. Asking again
 * would not help, so it ends a watch at once. {@link CredentialsRefusedException} is the one
 * kind with more to say.
 */
public class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * An unusable answer; {@code message} quotes what came back.
   *
   * @param message what was wrong, quoting what came back
   */
  public ProtocolException(String message) {
    super(message);
  }

  /**
   * An unusable answer, with the failure that made it so.
   *
   * @param message what was wrong, quoting what came back
   * @param cause the failure that made the answer unusable
   */
  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
