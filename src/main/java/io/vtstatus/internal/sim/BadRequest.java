package io.vtstatus.internal.sim;

/** Thrown by request parsing: the client sent something we refuse, with this status. */
final class BadRequest extends Exception {
  private static final long serialVersionUID = 1L;
  final int code;
  /** A header to send with the error ({@code Allow} of a 405, {@code Retry-After}), or null. */
  final String header;
  final String value;

  BadRequest(int code, String message) {
    this(code, message, null, null);
  }

  BadRequest(int code, String message, String header, String value) {
    super(message, null, false, false);
    this.code = code;
    this.header = header;
    this.value = value;
  }

  /** The answer when every job held is pending: try again once one may have ended. */
  static BadRequest full(JobStore.FullException e) {
    return new BadRequest(503, e.getMessage(), "Retry-After", "1");
  }

  /** The error response, with its header if it has one. */
  Response response() {
    Response r = Response.error(code, getMessage());
    return header == null ? r : r.with(header, value);
  }
}
