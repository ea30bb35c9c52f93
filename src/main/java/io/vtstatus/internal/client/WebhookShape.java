package io.vtstatus.internal.client;

import io.vtstatus.JobStatus;
import io.vtstatus.ProtocolException;
import io.vtstatus.internal.json.JsonPointer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a declared protocol's webhook body names its job and its state: a pointer to the job id,
 * and either a pointer to a status word read with the protocol's own vocabulary (Replicate's
 * prediction object, AssemblyAI's {@code transcript_id} + {@code status}) or a pointer to an
 * event type mapped to a status (OpenAI's {@code batch.completed}, HeyGen's {@code
 * video_translate.success}); output and error where the body carries them. A word or type it
 * does not know ends nothing: senders add events, and a delivery we cannot read must not decide
 * an outcome. Immutable; {@code JobProtocol}'s builder validates it.
 *
 * @param status the status word's pointer, or empty when {@code eventType} is given
 * @param events each event type with the status it means; empty with a status pointer
 */
public record WebhookShape(
    JsonPointer jobId,
    Optional<JsonPointer> status,
    Optional<JsonPointer> eventType,
    Map<String, JobStatus> events,
    Optional<JsonPointer> output,
    Optional<JsonPointer> error) {

  public WebhookShape {
    events = Collections.unmodifiableMap(new LinkedHashMap<>(events));
  }

  /** A delivery's job and what it says; {@code answer}'s status is pending for anything unknown. */
  record Event(String jobId, StatusAnswer answer) {}

  /**
   * Reads one body, already parsed as {@code doc} from {@code text}.
   *
   * @param words the protocol's vocabulary, for a status pointer
   * @throws ProtocolException for a body that names no valid job (the sender gets a 400)
   */
  Event read(Object doc, String text, Map<String, JobStatus> words) throws ProtocolException {
    Object id = jobId.find(doc);
    if (!(id instanceof String)) {
      throw new ProtocolException("webhook body has no job id (a string) at " + jobId);
    }
    try {
      UrlTemplate.checkId((String) id);
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("webhook body has an invalid job id at " + jobId);
    }
    Object word = status.isPresent() ? status.get().find(doc) : eventType.get().find(doc);
    JobStatus s = word instanceof String
        ? (status.isPresent() ? words : events).getOrDefault(word, JobStatus.PENDING)
        : JobStatus.PENDING;
    return new Event((String) id, new StatusAnswer(Optional.of((String) id), s, Optional.empty(),
        Optional.empty(), OptionalInt.empty(),
        output.flatMap(p -> ProtocolSpec.text(p.find(doc))),
        error.flatMap(p -> ProtocolSpec.text(p.find(doc))), Optional.of(text), Optional.empty()));
  }

  @Override
  public String toString() {
    return "job id at " + jobId + (status.isPresent() ? ", status at " + status.get()
        : ", event type at " + eventType.get() + " " + events.keySet());
  }
}
