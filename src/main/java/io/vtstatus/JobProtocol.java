package io.vtstatus;

import io.vtstatus.internal.client.ProtocolSpec;
import io.vtstatus.internal.client.UrlTemplate;
import io.vtstatus.internal.client.WebhookShape;
import io.vtstatus.internal.json.JsonPointer;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to ask a job API for one job's status and how to read its answer, given with {@link
 * StatusClient.Builder#protocol(JobProtocol)}. {@link #vtstatus()}, the default, is our own
 * {@code GET /status?job=ID}; {@link #json()} declares any HTTP+JSON API in a few lines, and the
 * built-in profiles ({@link #replicate()}, {@link #openAiBatch()}, {@link
 * #heygenVideoTranslate()}, {@link #assemblyAi()}) are declared with that same builder:
 *
 * <pre>{@code
 * JobProtocol predictions = JobProtocol.json()
 *     .statusUrl("/v1/predictions/{id}")
 *     .status("/status")
 *     .pending("starting", "processing")
 *     .completed("succeeded")
 *     .failed("failed", "canceled", "aborted")
 *     .output("/output")
 *     .error("/error")
 *     .build();
 * }</pre>
 *
 * <p>A declared protocol cannot create jobs ({@link StatusClient#submit()}) or register
 * webhooks: a client built with one polls unless webhooks are asked for, which needs a declared
 * webhook body ({@link Builder#webhookJobId} and {@link Builder#webhookStatus} or {@link
 * Builder#webhookEventType}; the built-in profiles declare theirs). A status word the protocol does not
 * declare keeps the watch waiting, as an AWS SDK waiter does with an answer no acceptor
 * matches, and is reported once per word and client through {@link JobListener#unknownStatus}
 * and the {@code io.vtstatus} {@link System.Logger}; {@link Builder#strictWords()} makes it a
 * {@link ProtocolException} instead.
 *
 * <p>Immutable and thread-safe; one protocol may serve any number of clients. See {@code
 * docs/PROTOCOLS.md} for each profile's sources and open questions.
 */
public final class JobProtocol {
  private static final JobProtocol VTSTATUS = new JobProtocol(ProtocolSpec.VTSTATUS);

  private final ProtocolSpec spec;

  private JobProtocol(ProtocolSpec spec) {
    this.spec = spec;
  }

  /**
   * The vtstatus protocol ({@code docs/PROTOCOL.md}): {@code GET /status?job=ID} answering
   * {@code {"result"|"status": "pending"|"completed"|"error"}}. The only protocol that creates
   * jobs and registers webhooks; the default.
   *
   * @return the vtstatus protocol
   */
  public static JobProtocol vtstatus() {
    return VTSTATUS;
  }

  /**
   * A builder declaring an HTTP+JSON status API.
   *
   * @return a new builder
   */
  public static Builder json() {
    return new Builder();
  }

  /**
   * Replicate's predictions: {@code GET /v1/predictions/{id}} at {@code
   * https://api.replicate.com}, with the header {@code Authorization: Bearer <token>}. Status at
   * {@code /status}: {@code starting}, {@code processing}; {@code succeeded}; {@code failed},
   * {@code canceled}, {@code aborted}. Output {@code /output} (a string, an array of URLs or an
   * object: model-dependent), error {@code /error}, {@link JobResult#updatedAt()} from {@code
   * /completed_at}. Answers carry {@code logs}, often hundreds
   * of KB: mind {@link StatusClient.Builder#maxBodySize}. Webhooks (per prediction, the {@code
   * webhook} URL given on create): the body is the prediction object, signed with Standard
   * Webhooks; {@code start}, {@code output} and {@code logs} events end nothing.
   *
   * <p>Sources: replicate-javascript {@code index.test.ts}, {@code lib/util.js}; replicate-go
   * {@code wait.go}; replicate-python {@code prediction.py}; replicate.com docs (predictions
   * lifecycle).
   *
   * @return the Replicate profile
   */
  public static JobProtocol replicate() {
    return json().name("replicate")
        .statusUrl("/v1/predictions/{id}")
        .status("/status")
        .pending("starting", "processing")
        .completed("succeeded")
        .failed("failed", "canceled", "aborted")
        .output("/output")
        .error("/error")
        .updatedAt("/completed_at")
        .webhookJobId("/id")
        .webhookStatus("/status")
        .webhookOutput("/output")
        .webhookError("/error")
        .build();
  }

  /**
   * OpenAI's batches: {@code GET /v1/batches/{id}} at {@code https://api.openai.com}, with the
   * header {@code Authorization: Bearer <key>}. Status at {@code /status}: {@code validating},
   * {@code in_progress}, {@code finalizing}, {@code cancelling}; {@code completed}; {@code
   * failed}, {@code expired}, {@code cancelled}. Output {@code /output_file_id} (a file to fetch
   * separately), error {@code /errors/data/0/message}. A completed batch may still hold failed
   * requests ({@code request_counts.failed}, in {@link JobResult#document()}). Webhooks
   * (project-level endpoints, Standard Webhooks): {@code /type} {@code batch.completed},
   * {@code batch.failed|expired|cancelled}, the id at {@code /data/id}; the body carries no
   * output, so the client reads the batch once more.
   *
   * <p>Sources: openai-python {@code types/batch.py}, {@code types/batch_error.py}, {@code
   * lib/_webhooks.py}, {@code types/webhooks/batch_completed_webhook_event.py}.
   *
   * @return the OpenAI batches profile
   */
  public static JobProtocol openAiBatch() {
    return json().name("openai-batch")
        .statusUrl("/v1/batches/{id}")
        .status("/status")
        .pending("validating", "in_progress", "finalizing", "cancelling")
        .completed("completed")
        .failed("failed", "expired", "cancelled")
        .output("/output_file_id")
        .error("/errors/data/0/message")
        .webhookJobId("/data/id")
        .webhookEventType("/type")
        .webhookEvent("batch.completed", JobStatus.COMPLETED)
        .webhookEvent("batch.failed", JobStatus.ERROR)
        .webhookEvent("batch.expired", JobStatus.ERROR)
        .webhookEvent("batch.cancelled", JobStatus.ERROR)
        .build();
  }

  /**
   * HeyGen's video translation, API v3 (the current one: v1 and v2 were supported until 31
   * October 2026): {@code GET /v3/video-translations/{id}} at {@code https://api.heygen.com},
   * with the header {@code X-Api-Key: <key>}. Status at {@code /data/status}: {@code pending},
   * {@code running}; {@code completed}; {@code failed}. Output {@code /data/video_url}, error
   * {@code /data/failure_message}. Webhooks (per job, {@code callback_url} on create,
   * unsigned: use {@link WebhookOptions#unsigned()}): {@code /event_type} {@code
   * video_translate.success|fail}, the id at {@code /event_data/video_translate_id}, output
   * {@code /event_data/url}, error {@code /event_data/message}.
   *
   * <p>Sources: heygen-cli {@code gen/video-translate.go} (response schema), {@code
   * gen/webhook.go}; docs.heygen.com webhook events page.
   *
   * @return the HeyGen profile
   */
  public static JobProtocol heygenVideoTranslate() {
    return json().name("heygen-translate")
        .statusUrl("/v3/video-translations/{id}")
        .status("/data/status")
        .pending("pending", "running")
        .completed("completed")
        .failed("failed")
        .output("/data/video_url")
        .error("/data/failure_message")
        .webhookJobId("/event_data/video_translate_id")
        .webhookEventType("/event_type")
        .webhookEvent("video_translate.success", JobStatus.COMPLETED)
        .webhookEvent("video_translate.fail", JobStatus.ERROR)
        .webhookOutput("/event_data/url")
        .webhookError("/event_data/message")
        .build();
  }

  /**
   * AssemblyAI's transcripts: {@code GET /v2/transcript/{id}} at {@code
   * https://api.assemblyai.com}, with the header {@code authorization: <key>} (no {@code
   * Bearer}). Status at {@code /status}: {@code queued}, {@code processing}; {@code completed};
   * {@code error}. Output {@code /text}, error {@code /error}. Webhooks (per request, a static
   * header: {@link WebhookOptions#sharedHeader}): {@code {"transcript_id", "status"}}, no text,
   * so the client reads the transcript once more.
   *
   * <p>Sources: assemblyai-python-sdk {@code types.py}, {@code tests/unit/factories.py};
   * assemblyai.com webhook docs.
   *
   * @return the AssemblyAI profile
   */
  public static JobProtocol assemblyAi() {
    return json().name("assemblyai")
        .statusUrl("/v2/transcript/{id}")
        .status("/status")
        .pending("queued", "processing")
        .completed("completed")
        .failed("error")
        .output("/text")
        .error("/error")
        .webhookJobId("/transcript_id")
        .webhookStatus("/status")
        .build();
  }

  /**
   * The protocol's name: {@code vtstatus}, a profile's, or the one given to {@link Builder#name}.
   *
   * @return the protocol's name
   */
  public String name() {
    return spec.name();
  }

  /**
   * The status URL template, as declared.
   *
   * @return the status URL template, as declared
   */
  public String statusUrl() {
    return spec.template().toString();
  }

  /**
   * The declared vocabulary in declaration order, each word with the status it means; empty for
   * {@link #vtstatus()}.
   *
   * @return the declared vocabulary in declaration order, each word with the status it means
   */
  public Map<String, JobStatus> words() {
    return spec.words();
  }

  /**
   * The JSON Pointer to the status word, as declared; empty for {@link #vtstatus()}.
   *
   * @return the JSON Pointer to the status word, as declared; empty for {@link #vtstatus()}
   */
  public Optional<String> statusPointer() {
    return spec.statusPointer().map(Object::toString);
  }

  /**
   * The JSON Pointer to the job's output, if declared.
   *
   * @return the JSON Pointer to the job's output, if declared
   */
  public Optional<String> outputPointer() {
    return spec.output().map(Object::toString);
  }

  /**
   * The JSON Pointer to a failed job's error message, if declared.
   *
   * @return the JSON Pointer to a failed job's error message, if declared
   */
  public Optional<String> errorPointer() {
    return spec.error().map(Object::toString);
  }

  /**
   * True when a client of this protocol can receive webhooks: {@link #vtstatus()}, the built-in
   * profiles, and a protocol declaring its webhook body ({@link Builder#webhookJobId}).
   *
   * @return true when a client of this protocol can receive webhooks
   */
  public boolean readsWebhooks() {
    return spec.readsWebhooks();
  }

  /** The compiled form the engine uses. */
  ProtocolSpec spec() {
    return spec;
  }

  /** The name, template and status pointer. */
  @Override
  public String toString() {
    return spec.toString();
  }

  /**
   * Declares an HTTP+JSON status API. Setters validate at once, quoting what they refuse;
   * {@link #build()} checks the whole and copies, so a builder can be reused.
   */
  public static final class Builder {
    private String name = "json";
    private UrlTemplate template;
    private JsonPointer status;
    private final Map<String, JobStatus> words = new LinkedHashMap<>();
    private Optional<JsonPointer> output = Optional.empty();
    private Optional<JsonPointer> error = Optional.empty();
    private Optional<JsonPointer> eta = Optional.empty();
    private ChronoUnit etaUnit = ChronoUnit.MILLIS;
    private Optional<JsonPointer> progress = Optional.empty();
    private Optional<JsonPointer> updatedAt = Optional.empty();
    private boolean strictWords;
    private JsonPointer webhookJobId;
    private Optional<JsonPointer> webhookStatus = Optional.empty();
    private Optional<JsonPointer> webhookEventType = Optional.empty();
    private final Map<String, JobStatus> webhookEvents = new LinkedHashMap<>();
    private Optional<JsonPointer> webhookOutput = Optional.empty();
    private Optional<JsonPointer> webhookError = Optional.empty();

    private Builder() {}

    /**
     * A name for messages and the CLI (default {@code json}): 1–64 of {@code [A-Za-z0-9._-]}.
     *
     * @param name the name
     * @return this builder
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty() || name.length() > 64 || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("Invalid protocol name: \"" + name + "\"");
      }
      this.name = name;
      return this;
    }

    /**
     * Where one job's status is: relative to the client's server URI ({@code
     * /v1/predictions/{id}}) or absolute ({@code https://api.example.com/jobs/{id}}). {@code
     * {id}} is percent-encoded for where it stands, so an id stays one path segment or one
     * query value; ids {@code .}, {@code ..}, empty or with control characters are refused
     * before any request.
     *
     * @param template the URL template, with {@code {id}} where the job id goes
     * @return this builder
     * @throws IllegalArgumentException quoting a malformed template
     */
    public Builder statusUrl(String template) {
      this.template = UrlTemplate.compile(template);
      return this;
    }

    /**
     * The RFC 6901 JSON Pointer to the status word, such as {@code /status} or {@code
     * /data/status}.
     *
     * @param pointer where the status word is
     * @return this builder
     */
    public Builder status(String pointer) {
      this.status = JsonPointer.compile(pointer);
      return this;
    }

    /**
     * Words meaning the job is still running.
     *
     * @param words one or more words, each matched exactly as written
     * @return this builder
     */
    public Builder pending(String... words) {
      return words(JobStatus.PENDING, words);
    }

    /**
     * Words meaning the job completed successfully.
     *
     * @param words one or more words, each matched exactly as written
     * @return this builder
     */
    public Builder completed(String... words) {
      return words(JobStatus.COMPLETED, words);
    }

    /**
     * Words meaning the job ended badly (failed, cancelled, expired...).
     *
     * @param words one or more words, each matched exactly as written
     * @return this builder
     */
    public Builder failed(String... words) {
      return words(JobStatus.ERROR, words);
    }

    private Builder words(JobStatus status, String... given) {
      Objects.requireNonNull(given, "words");
      if (given.length == 0) {
        throw new IllegalArgumentException("No words given for " + set(status));
      }
      Map<String, JobStatus> added = new LinkedHashMap<>();
      for (String w : given) {
        if (w == null || w.isEmpty()) {
          throw new IllegalArgumentException("Invalid status word for " + set(status)
              + ": " + (w == null ? "null" : "\"\""));
        }
        JobStatus before = words.containsKey(w) ? words.get(w) : added.get(w);
        if (before != null && before != status) {
          throw new IllegalArgumentException("Status word \"" + w + "\" is declared both "
              + set(before) + " and " + set(status));
        }
        added.put(w, status);
      }
      words.putAll(added);
      return this;
    }

    /** The name of the builder's word set for {@code s}: pending, completed or failed. */
    private static String set(JobStatus s) {
      return s == JobStatus.ERROR ? "failed" : s.wireName();
    }

    /**
     * The pointer to the job's output (its value becomes {@link JobResult#output()}).
     *
     * @param pointer where the output is
     * @return this builder
     */
    public Builder output(String pointer) {
      this.output = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The pointer to a failed job's error message ({@link JobResult#error()}).
     *
     * @param pointer where the error message is
     * @return this builder
     */
    public Builder error(String pointer) {
      this.error = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The pointer to the API's estimate of the time left, a number of {@code unit}s
     * ({@link ChronoUnit#MILLIS} or {@link ChronoUnit#SECONDS}); schedules see it as {@link
     * PollContext#eta()}.
     *
     * @param pointer where the estimate is
     * @param unit its unit: {@link ChronoUnit#MILLIS} or {@link ChronoUnit#SECONDS}
     * @return this builder
     */
    public Builder eta(String pointer, ChronoUnit unit) {
      JsonPointer p = JsonPointer.compile(pointer);
      Objects.requireNonNull(unit, "unit");
      if (unit != ChronoUnit.MILLIS && unit != ChronoUnit.SECONDS) {
        throw new IllegalArgumentException("Invalid eta unit (MILLIS or SECONDS): " + unit);
      }
      this.eta = Optional.of(p);
      this.etaUnit = unit;
      return this;
    }

    /**
     * The pointer to the API's percent done, a number 0–100 ({@link PollContext#progress()}).
     *
     * @param pointer where the percent done is
     * @return this builder
     */
    public Builder progress(String pointer) {
      this.progress = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The pointer to when the job last changed, an RFC 3339 string or a number of Unix seconds
     * ({@link JobResult#updatedAt()}; the adaptive schedule learns durations more exactly with
     * it). A value of another form is ignored.
     *
     * @param pointer where the time of the job's last change is
     * @return this builder
     */
    public Builder updatedAt(String pointer) {
      this.updatedAt = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * Makes a status word the protocol does not declare a {@link ProtocolException} that ends
     * the watch, instead of waiting on.
     *
     * @return this builder
     */
    public Builder strictWords() {
      this.strictWords = true;
      return this;
    }

    /**
     * The pointer to the job id in a webhook body ({@code /id} in Replicate's prediction
     * object, {@code /data/id} in OpenAI's event). Declaring it lets clients of this protocol
     * receive webhooks; give {@link #webhookStatus} or {@link #webhookEventType} with it.
     *
     * @param pointer where the job id is in a webhook body
     * @return this builder
     */
    public Builder webhookJobId(String pointer) {
      this.webhookJobId = JsonPointer.compile(pointer);
      return this;
    }

    /**
     * The pointer to the status word in a webhook body, read with this protocol's words (for
     * senders that post the job's state, as Replicate and AssemblyAI do). A word that is not
     * terminal, or not declared, ends nothing.
     *
     * @param pointer where the status word is in a webhook body
     * @return this builder
     */
    public Builder webhookStatus(String pointer) {
      this.webhookStatus = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The pointer to the event type in a webhook body (for senders that post events, as OpenAI
     * and HeyGen do), mapped to a status by {@link #webhookEvent}; an unmapped type ends
     * nothing.
     *
     * @param pointer where the event type is in a webhook body
     * @return this builder
     */
    public Builder webhookEventType(String pointer) {
      this.webhookEventType = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The event {@code type} means the job is {@code status} ({@code batch.completed} →
     * completed).
     *
     * @param type the event type, as the sender writes it
     * @param status the status it means
     * @return this builder
     */
    public Builder webhookEvent(String type, JobStatus status) {
      Objects.requireNonNull(status, "status");
      if (type == null || type.isEmpty()) {
        throw new IllegalArgumentException("Invalid webhook event type: "
            + (type == null ? "null" : "\"\""));
      }
      webhookEvents.put(type, status);
      return this;
    }

    /**
     * The pointer to the output in a webhook body; without one (or when the body has none there)
     * the client reads the job's status once more to fill {@link JobResult#output()}.
     *
     * @param pointer where the output is in a webhook body
     * @return this builder
     */
    public Builder webhookOutput(String pointer) {
      this.webhookOutput = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The pointer to a failed job's error message in a webhook body.
     *
     * @param pointer where the error message is in a webhook body
     * @return this builder
     */
    public Builder webhookError(String pointer) {
      this.webhookError = Optional.of(JsonPointer.compile(pointer));
      return this;
    }

    /**
     * The protocol declared.
     *
     * @return the protocol
     * @throws IllegalStateException naming what is missing: the status URL, the status pointer,
     *     or a word for each of pending, completed and failed
     */
    public JobProtocol build() {
      if (template == null) {
        throw new IllegalStateException("Protocol " + name + " has no statusUrl");
      }
      if (status == null) {
        throw new IllegalStateException("Protocol " + name + " has no status pointer");
      }
      for (JobStatus s : JobStatus.values()) {
        if (!words.containsValue(s)) {
          throw new IllegalStateException("Protocol " + name + " declares no "
              + set(s) + " words");
        }
      }
      ProtocolSpec spec = new ProtocolSpec(name, template, status, words, output, error, eta,
          etaUnit, progress, updatedAt, strictWords);
      Optional<WebhookShape> hooks = webhookShape();
      return new JobProtocol(hooks.isPresent() ? spec.withWebhook(hooks.get()) : spec);
    }

    private Optional<WebhookShape> webhookShape() {
      boolean any = webhookStatus.isPresent() || webhookEventType.isPresent()
          || !webhookEvents.isEmpty() || webhookOutput.isPresent() || webhookError.isPresent();
      if (webhookJobId == null) {
        if (any) {
          throw new IllegalStateException("Protocol " + name + " declares a webhook body but no"
              + " webhookJobId");
        }
        return Optional.empty();
      }
      if (webhookStatus.isPresent() == webhookEventType.isPresent()) {
        throw new IllegalStateException("Protocol " + name + " needs exactly one of webhookStatus"
            + " and webhookEventType");
      }
      if (webhookEventType.isPresent() != !webhookEvents.isEmpty()) {
        throw new IllegalStateException("Protocol " + name + (webhookEvents.isEmpty()
            ? " maps no webhookEvent" : " maps webhookEvents but has no webhookEventType"));
      }
      return Optional.of(new WebhookShape(webhookJobId, webhookStatus, webhookEventType,
          webhookEvents, webhookOutput, webhookError));
    }
  }
}
