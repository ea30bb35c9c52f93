package io.vtstatus.simulator;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request the simulator received, as {@link SimulatorServer#takeRequest} returns it.
 *
 * @param method the request method, e.g. {@code GET}
 * @param path the raw (still percent-encoded) path, e.g. {@code /status}
 * @param query the raw query without {@code ?}, empty when there was none
 * @param headers the request headers, names as the JDK server normalises them
 *     ({@code Content-type}); unmodifiable
 * @param body the body as UTF-8, empty when there was none or it was refused as too large
 */
public record RecordedRequest(
    String method, String path, String query, Map<String, List<String>> headers, String body) {

  /** Copies {@code headers} so the record stays immutable. */
  public RecordedRequest {
    headers = Map.copyOf(headers);
  }

  /** The first value of header {@code name} (case-insensitive), or {@code null} if absent. */
  public String header(String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0);
      }
    }
    return null;
  }
}
