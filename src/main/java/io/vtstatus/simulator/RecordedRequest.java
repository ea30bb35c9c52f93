package io.vtstatus.simulator;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request the simulator received, as {@link SimulatorServer#takeRequest} returns it.
 * Records are bounded, so a flood of large requests cannot exhaust memory: the body keeps its
 * first {@value #MAX_BODY_CHARS} characters, the path and query their first {@value
 * #MAX_TARGET_CHARS} each, and headers are kept up to {@value #MAX_HEADER_CHARS} characters
 * (names and values) in all.
 *
 * @param method the request method, e.g. {@code GET}
 * @param path the raw (still percent-encoded) path, e.g. {@code /status}
 * @param query the raw query without {@code ?}, empty when there was none
 * @param headers the request headers, names as the JDK server normalises them
 *     ({@code Content-type}); unmodifiable
 * @param body the body as UTF-8 (bytes that are not UTF-8 shown as U+FFFD), empty when there was
 *     none or it was refused as too large
 * @param truncated true when any part above was cut to fit the bounds
 */
public record RecordedRequest(
    String method,
    String path,
    String query,
    Map<String, List<String>> headers,
    String body,
    boolean truncated) {

  /** Characters of a body kept in a record. */
  public static final int MAX_BODY_CHARS = 4096;
  /** Characters of the path, and of the query, kept in a record. */
  public static final int MAX_TARGET_CHARS = 2048;
  /** Characters of header names and values kept in a record, all headers together. */
  public static final int MAX_HEADER_CHARS = 8192;

  /**
   * Copies {@code headers} so the record stays immutable.
   *
   * @param method the request's method
   * @param path the raw path
   * @param query the raw query, empty when there was none
   * @param headers the request headers
   * @param body the body as UTF-8
   * @param truncated whether any part was cut to fit the bounds
   */
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /**
   * A record with nothing truncated.
   *
   * @param method the request's method
   * @param path the raw path
   * @param query the raw query, empty when there was none
   * @param headers the request headers
   * @param body the body as UTF-8
   */
  public RecordedRequest(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    this(method, path, query, headers, body, false);
  }

  /**
   * The first value of header {@code name} (case-insensitive), or {@code null} if absent.
   *
   * @param name the header's name, in any case
   * @return the first value of header {@code name}
   */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
