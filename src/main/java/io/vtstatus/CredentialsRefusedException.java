package io.vtstatus;

/**
 * The server refused the client's credentials: it answered {@code 401} or {@code 403}. The watch
 * ends at once (after one retry when a header's value comes from a {@code Supplier}, which may
 * just have rotated): asking again with the same credentials would only be refused again. The
 * message and {@link #excerpt()} never hold a header value the client sent.
 */
public final class CredentialsRefusedException extends ProtocolException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status: {@code 401} or {@code 403}. */
  private final int statusCode;
  /** The start of the server's answer, credentials redacted. */
  private final String excerpt;

  /**
   * A refusal with HTTP status {@code statusCode}; {@code excerpt} is the start of its answer.
   *
   * @param message the detail message
   * @param statusCode the HTTP status, {@code 401} or {@code 403}
   * @param excerpt the start of the server's answer, credentials redacted
   */
  public CredentialsRefusedException(String message, int statusCode, String excerpt) {
    super(message);
    this.statusCode = statusCode;
    this.excerpt = excerpt;
  }

  /**
   * The HTTP status: {@code 401} or {@code 403}.
   *
   * @return the HTTP status: {@code 401} or {@code 403}
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The start of the server's answer (at most 200 characters, credentials redacted).
   *
   * @return the start of the server's answer (at most 200 characters, credentials redacted)
   */
  public String excerpt() {
    return excerpt;
  }
}
