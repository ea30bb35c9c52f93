package io.vtstatus.internal.cli;

import io.vtstatus.JobProtocol;
import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code --protocol} and {@code --header} name, for {@code wait}, {@code server} and
 * {@code demo}: a built-in protocol by name, or a protocol file ({@code docs/PROTOCOLS.md}), and
 * headers given as {@code Name: value}, {@code @FILE} (one per line, as curl reads them) or with
 * {@code env:NAME} values. Header values never appear in a message: errors name the header,
 * the file and the line.
 */
final class CliProtocols {
  /** The names {@code --protocol} takes, in the order help lists them. */
  static final List<String> NAMES =
      List.of("vtstatus", "replicate", "openai-batch", "heygen-translate", "assemblyai");
  private static final Set<String> FILE_KEYS = Set.of("status_url", "status", "pending",
      "completed", "failed", "output", "error", "headers", "webhook_job_id", "webhook_status",
      "webhook_event_type", "webhook_events", "webhook_output", "webhook_error");
  /** A protocol file or header file larger than this is not one. */
  private static final long MAX_FILE = 64 * 1024;

  private CliProtocols() {}

  /** A protocol and the headers its file declared (empty for a built-in name). */
  record Declared(JobProtocol protocol, Map<String, String> headers) {}

  /** The built-in protocol named {@code name}, or null when there is none. */
  static JobProtocol named(String name) {
    switch (name) {
      case "vtstatus": return JobProtocol.vtstatus();
      case "replicate": return JobProtocol.replicate();
      case "openai-batch": return JobProtocol.openAiBatch();
      case "heygen-translate": return JobProtocol.heygenVideoTranslate();
      case "assemblyai": return JobProtocol.assemblyAi();
      default: return null;
    }
  }

  /**
   * The protocol {@code --protocol} names: a built-in name, else a protocol file.
   *
   * @throws Args.UsageException naming the file and the key at fault
   */
  static Declared resolve(String nameOrFile, Function<String, String> env) throws Args.UsageException {
    JobProtocol p = named(nameOrFile);
    if (p != null) {
      return new Declared(p, Map.of());
    }
    String text = read(nameOrFile, "--protocol ", "a protocol name (" + String.join(", ", NAMES)
        + ") or a protocol file");
    Map<String, Object> o;
    try {
      o = Json.parseObject(text);
    } catch (JsonException e) {
      throw new Args.UsageException("--protocol " + nameOrFile + ": not a JSON object (" + e.getMessage() + ")");
    }
    for (String k : o.keySet()) {
      if (!FILE_KEYS.contains(k)) {
        throw new Args.UsageException("--protocol " + nameOrFile + ": unknown key \"" + Args.printable(k)
            + "\" (known: status_url, status, pending, completed, failed, output, error, headers,"
            + " webhook_job_id, webhook_status, webhook_event_type, webhook_events, webhook_output,"
            + " webhook_error)");
      }
    }
    JobProtocol.Builder b = JobProtocol.json().name(fileName(nameOrFile));
    String key = "status_url";
    try {
      b.statusUrl(string(o, key, true, nameOrFile));
      key = "status";
      b.status(string(o, key, true, nameOrFile));
      key = "pending";
      b.pending(words(o, key, nameOrFile));
      key = "completed";
      b.completed(words(o, key, nameOrFile));
      key = "failed";
      b.failed(words(o, key, nameOrFile));
      Map<String, java.util.function.Consumer<String>> pointers = new LinkedHashMap<>();
      pointers.put("output", b::output);
      pointers.put("error", b::error);
      pointers.put("webhook_job_id", b::webhookJobId);
      pointers.put("webhook_status", b::webhookStatus);
      pointers.put("webhook_event_type", b::webhookEventType);
      pointers.put("webhook_output", b::webhookOutput);
      pointers.put("webhook_error", b::webhookError);
      for (Map.Entry<String, java.util.function.Consumer<String>> ptr : pointers.entrySet()) {
        key = ptr.getKey();
        String v = string(o, key, false, nameOrFile);
        if (v != null) {
          ptr.getValue().accept(v);
        }
      }
      key = "webhook_events";
      webhookEvents(b, o.get(key), nameOrFile);
    } catch (IllegalArgumentException e) {
      throw new Args.UsageException("--protocol " + nameOrFile + ": \"" + key + "\": " + e.getMessage());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    Object h = o.get("headers");
    if (h != null && h != Json.NULL) {
      if (!(h instanceof Map)) {
        throw new Args.UsageException("--protocol " + nameOrFile + ": \"headers\" must be an object of strings");
      }
      for (Map.Entry<?, ?> e : ((Map<?, ?>) h).entrySet()) {
        if (!(e.getValue() instanceof String)) {
          throw new Args.UsageException("--protocol " + nameOrFile + ": \"headers\": \""
              + Args.printable(String.valueOf(e.getKey())) + "\" must be a string");
        }
        headers.put((String) e.getKey(), value((String) e.getKey(), (String) e.getValue(), env,
            "--protocol " + nameOrFile + ": \"headers\""));
      }
    }
    try {
      return new Declared(b.build(), headers);
    } catch (IllegalStateException e) {
      throw new Args.UsageException("--protocol " + nameOrFile + ": " + e.getMessage());
    }
  }

  /** {@code "webhook_events": {"batch.completed": "completed", "batch.failed": "failed"}}. */
  private static void webhookEvents(JobProtocol.Builder b, Object v, String file)
      throws Args.UsageException {
    if (v == null || v == Json.NULL) {
      return;
    }
    if (!(v instanceof Map)) {
      throw new Args.UsageException("--protocol " + file + ": \"webhook_events\" must be an object");
    }
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      Object s = e.getValue();
      JobStatus status = "completed".equals(s) ? JobStatus.COMPLETED : "failed".equals(s)
          ? JobStatus.ERROR : "pending".equals(s) ? JobStatus.PENDING : null;
      if (status == null) {
        throw new Args.UsageException("--protocol " + file + ": \"webhook_events\": \""
            + Args.printable(String.valueOf(e.getKey())) + "\" must be \"pending\", \"completed\""
            + " or \"failed\"");
      }
      b.webhookEvent((String) e.getKey(), status);
    }
  }

  /** A file's name without directory and extension, made a valid protocol name. */
  private static String fileName(String file) {
    String n = Path.of(file).getFileName().toString();
    int dot = n.lastIndexOf('.');
    n = (dot > 0 ? n.substring(0, dot) : n).replaceAll("[^A-Za-z0-9._-]", "_");
    return n.isEmpty() ? "file" : n.length() > 64 ? n.substring(0, 64) : n;
  }

  private static String string(Map<String, Object> o, String key, boolean required, String file)
      throws Args.UsageException {
    Object v = o.get(key);
    if (v == null || v == Json.NULL) {
      if (required) {
        throw new Args.UsageException("--protocol " + file + ": missing \"" + key + "\"");
      }
      return null;
    }
    if (!(v instanceof String)) {
      throw new Args.UsageException("--protocol " + file + ": \"" + key + "\" must be a string");
    }
    return (String) v;
  }

  private static String[] words(Map<String, Object> o, String key, String file) throws Args.UsageException {
    Object v = o.get(key);
    if (!(v instanceof List) || ((List<?>) v).isEmpty()) {
      throw new Args.UsageException("--protocol " + file + ": \"" + key
          + "\" must be a non-empty array of status words");
    }
    List<String> out = new ArrayList<>();
    for (Object w : (List<?>) v) {
      if (!(w instanceof String)) {
        throw new Args.UsageException("--protocol " + file + ": \"" + key + "\" must hold strings only");
      }
      out.add((String) w);
    }
    return out.toArray(new String[0]);
  }

  /**
   * The headers of the {@code --header} flags, in order: {@code Name: value} or {@code @FILE}.
   *
   * @throws Args.UsageException naming the flag or file line, never quoting a value
   */
  static Map<String, String> headers(List<String> flags, Function<String, String> env)
      throws Args.UsageException {
    Map<String, String> m = new LinkedHashMap<>();
    for (String f : flags) {
      if (f.startsWith("@")) {
        String file = f.substring(1);
        String[] lines = read(file, "--header @", "a file of headers").split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (!lines[i].isBlank()) {
            header(lines[i], env, "--header @" + file + " line " + (i + 1), m);
          }
        }
      } else {
        header(f, env, "--header", m);
      }
    }
    return m;
  }

  private static void header(String line, Function<String, String> env, String where,
      Map<String, String> into) throws Args.UsageException {
    int colon = line.indexOf(':');
    if (colon <= 0) {
      throw new Args.UsageException(where + ": want 'Name: value'");
    }
    String name = line.substring(0, colon).trim();
    into.put(name, value(name, line.substring(colon + 1).trim(), env, where));
  }

  /** A header's value; {@code env:NAME} reads the environment, so a secret stays out of ps. */
  private static String value(String name, String v, Function<String, String> env, String where)
      throws Args.UsageException {
    if (!v.startsWith("env:")) {
      return v;
    }
    String var = v.substring(4);
    String got = var.isEmpty() ? null : env.apply(var);
    if (got == null) {
      throw new Args.UsageException(where + ": header " + Args.printable(name)
          + " names environment variable " + Args.printable(var) + ", which is not set");
    }
    return got;
  }

  private static String read(String file, String flag, String what) throws Args.UsageException {
    try {
      Path p = Path.of(file);
      if (!Files.isRegularFile(p)) {
        throw new Args.UsageException(flag + file + ": not " + what);
      }
      if (Files.size(p) > MAX_FILE) {
        throw new Args.UsageException(flag + file + ": larger than " + MAX_FILE + " bytes");
      }
      return Json.utf8(Files.readAllBytes(p));
    } catch (InvalidPathException | IOException e) {
      throw new Args.UsageException(flag + file + ": cannot read (" + e.getMessage() + ")");
    }
  }
}
