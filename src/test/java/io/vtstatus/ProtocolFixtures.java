package io.vtstatus;

import java.util.List;

/**
 * Status answers in the shapes docs/VENDORS.md describes, written fresh (none can be checked
 * against the live services): one per profile, with the status word, output and error to put
 * in. {@code output} and {@code error} are JSON texts ({@code null}, a quoted string, an array).
 */
final class ProtocolFixtures {
  private ProtocolFixtures() {}

  /** A profile, its fixture, and its vocabulary by status. */
  record Profile(JobProtocol protocol, Shape shape, List<String> pending, List<String> completed,
      List<String> failed) {}

  @FunctionalInterface
  interface Shape {
    String body(String id, String word, String output, String error);
  }

  static final Profile REPLICATE = new Profile(JobProtocol.replicate(),
      ProtocolFixtures::replicate, List.of("starting", "processing"), List.of("succeeded"),
      List.of("failed", "canceled", "aborted"));
  static final Profile OPENAI_BATCH = new Profile(JobProtocol.openAiBatch(),
      ProtocolFixtures::openAiBatch, List.of("validating", "in_progress", "finalizing", "cancelling"),
      List.of("completed"), List.of("failed", "expired", "cancelled"));
  static final Profile HEYGEN = new Profile(JobProtocol.heygenVideoTranslate(),
      ProtocolFixtures::heygen, List.of("pending", "running"), List.of("completed"), List.of("failed"));
  static final Profile ASSEMBLYAI = new Profile(JobProtocol.assemblyAi(),
      ProtocolFixtures::assemblyAi, List.of("queued", "processing"), List.of("completed"),
      List.of("error"));

  static final List<Profile> ALL = List.of(REPLICATE, OPENAI_BATCH, HEYGEN, ASSEMBLYAI);

  /** A Replicate prediction object (replicate-javascript index.test.ts's fields). */
  static String replicate(String id, String word, String output, String error) {
    return replicate(id, word, output, error, "");
  }

  static String replicate(String id, String word, String output, String error, String logs) {
    return "{\"id\":\"" + id + "\",\"model\":\"acme/upscaler\",\"version\":\"5c7d5dc6dd8bf75c\","
        + "\"urls\":{\"get\":\"https://api.replicate.com/v1/predictions/" + id + "\","
        + "\"cancel\":\"https://api.replicate.com/v1/predictions/" + id + "/cancel\"},"
        + "\"created_at\":\"2026-12-01T10:00:00.000000Z\",\"started_at\":\"2026-12-01T10:00:01.000000Z\","
        + "\"completed_at\":null,\"source\":\"api\",\"status\":\"" + word + "\","
        + "\"input\":{\"video\":\"https://example.com/in.mp4\"},\"output\":" + output + ","
        + "\"error\":" + error + ",\"logs\":\"" + logs + "\",\"metrics\":{\"predict_time\":1.5}}";
  }

  /** An OpenAI batch object (openai-python types/batch.py, types/batch_error.py). */
  static String openAiBatch(String id, String word, String output, String error) {
    String errors = "null".equals(error) ? "null"
        : "{\"object\":\"list\",\"data\":[{\"code\":\"invalid_json\",\"line\":1,\"message\":"
            + error + ",\"param\":null}]}";
    return "{\"id\":\"" + id + "\",\"object\":\"batch\",\"endpoint\":\"/v1/chat/completions\","
        + "\"errors\":" + errors + ",\"input_file_id\":\"file-in\",\"completion_window\":\"24h\","
        + "\"status\":\"" + word + "\",\"output_file_id\":" + output + ",\"error_file_id\":null,"
        + "\"created_at\":1764583200,\"request_counts\":{\"total\":10,\"completed\":9,\"failed\":1},"
        + "\"metadata\":null}";
  }

  /** A HeyGen v3 video translation (heygen-cli gen/video-translate.go's response schema). */
  static String heygen(String id, String word, String output, String error) {
    return "{\"data\":{\"id\":\"" + id + "\",\"status\":\"" + word + "\",\"video_url\":" + output
        + ",\"failure_message\":" + error + "}}";
  }

  /** An AssemblyAI transcript (assemblyai-python-sdk types.py, tests/unit/factories.py). */
  static String assemblyAi(String id, String word, String output, String error) {
    return "{\"id\":\"" + id + "\",\"status\":\"" + word + "\",\"text\":" + output
        + ",\"error\":" + error + "}";
  }
}
