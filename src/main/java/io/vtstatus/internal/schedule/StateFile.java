package io.vtstatus.internal.schedule;

import io.vtstatus.internal.json.Json;
import io.vtstatus.internal.json.JsonException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The adaptive schedule's learned state in a small JSON file, so a process starts warm.
 *
 * <p>Written atomically (a temporary file in the same directory, then a rename), so a reader
 * sees the old state or the new one, never half of one; about 2–3 KB. Read tolerantly: a file
 * that is missing means a cold start; one that is corrupt, foreign or from a newer version also
 * means a cold start, with one warning (logger {@code io.vtstatus}), never an exception. A file
 * that is not ours — not JSON naming our format, or a newer version of it — is never
 * overwritten: a mistyped path must not destroy someone's data. Ours but damaged is replaced by
 * the next save.
 *
 * <p>Two processes sharing one file each start from what was there and the last to save wins:
 * learning is lost, never corrupted. Thread-safe.
 */
final class StateFile {
  static final String FORMAT = "vtstatus-adaptive-state";
  static final int VERSION = 1;
  /** A state file is ~3 KB; anything much larger is not one. */
  static final int MAX_BYTES = 64 * 1024;
  private static final MathContext DIGITS = new MathContext(6);
  private static final MathContext DOWN = new MathContext(6, java.math.RoundingMode.DOWN);
  private static final System.Logger LOG = System.getLogger("io.vtstatus");

  /** What a state file holds. */
  record Contents(DurationHistogram.State durations, double missShare) {}

  private final Path path;
  private final Consumer<String> warnings;
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile boolean mayWrite = true;

  /** A state file whose one warning goes to the {@code io.vtstatus} logger. */
  StateFile(Path path) {
    this(path, w -> LOG.log(Level.WARNING, w));
  }

  /** A state file whose one warning goes to {@code warnings} (the CLI prints it). */
  StateFile(Path path, Consumer<String> warnings) {
    this.path = path;
    this.warnings = warnings;
  }

  Path path() {
    return path;
  }

  /** Whether {@link #save} will write (false once the file proved not to be ours). */
  boolean mayWrite() {
    return mayWrite;
  }

  /** Reads the file; empty when it is missing or unusable (then warns once). */
  Optional<Contents> load(int bins) {
    byte[] bytes;
    try {
      if (Files.isDirectory(path)) {
        mayWrite = false;
        warn("is a directory; learning in memory only");
        return Optional.empty();
      }
      if (Files.size(path) > MAX_BYTES) {
        mayWrite = false;
        warn("is larger than " + MAX_BYTES + " bytes, so not a state file; starting cold and leaving it alone");
        return Optional.empty();
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      warn("cannot be read (" + e + "); starting cold");
      return Optional.empty();
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      mayWrite = false;
      warn("is not UTF-8 text, so not a state file; starting cold and leaving it alone");
      return Optional.empty();
    }
    if (text.isBlank()) {
      warn("is empty; starting cold");
      return Optional.empty();
    }
    boolean ours = text.contains("\"" + FORMAT + "\"");
    try {
      Map<String, Object> o = Json.parseObject(text);
      if (!FORMAT.equals(Json.string(o, "format").orElse(""))) {
        mayWrite = false;
        warn("is not a vtstatus state file; starting cold and leaving it alone");
        return Optional.empty();
      }
      long version = Json.integer(o, "version").orElseThrow(() -> new JsonException("no \"version\""));
      if (version != VERSION) {
        mayWrite = false;
        warn("has format version " + version + " (this vtstatus reads " + VERSION
            + "); starting cold and leaving it alone");
        return Optional.empty();
      }
      return Optional.of(parse(o, bins));
    } catch (JsonException | IllegalArgumentException e) {
      if (!ours) {
        mayWrite = false;
        warn("is not a vtstatus state file (" + e.getMessage() + "); starting cold and leaving it alone");
      } else {
        warn("is damaged (" + e.getMessage() + "); starting cold, and it will be rewritten");
      }
      return Optional.empty();
    }
  }

  private static Contents parse(Map<String, Object> o, int bins) throws JsonException {
    if (number(o, "bins_per_decade") != DurationHistogram.BINS_PER_DECADE
        || number(o, "min_seconds") != DurationHistogram.MIN_SECONDS
        || number(o, "bins") != bins) {
      throw new JsonException("a different bin layout");
    }
    double[][] ended = weights(o, "ended", bins);
    double[][] censored = weights(o, "censored", bins);
    long count = Json.integer(o, "jobs_ended").orElseThrow(() -> new JsonException("no \"jobs_ended\""));
    long given = Json.integer(o, "watches_given_up").orElse(0L);
    double miss = number(o, "miss_share");
    if (!(miss >= 0 && miss <= 1)) {
      throw new JsonException("\"miss_share\" out of [0, 1]");
    }
    DurationHistogram.State s = DurationHistogram.State.of(ended[0], ended[1], censored[0],
        censored[1], count, given);
    return new Contents(s, miss);
  }

  private static double number(Map<String, Object> o, String key) throws JsonException {
    Object v = o.get(key);
    if (!(v instanceof BigDecimal)) {
      throw new JsonException("\"" + key + "\" must be a number");
    }
    double d = ((BigDecimal) v).doubleValue();
    if (!Double.isFinite(d)) {
      throw new JsonException("\"" + key + "\" is out of range");
    }
    return d;
  }

  /** {@code {"first": i, "weights": [...], "squares": [...]}} as full-length weights and squares. */
  private static double[][] weights(Map<String, Object> o, String key, int bins) throws JsonException {
    Object v = o.get(key);
    if (!(v instanceof Map)) {
      throw new JsonException("\"" + key + "\" must be an object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    long first = Json.integer(m, "first").orElseThrow(() -> new JsonException("no \"" + key + ".first\""));
    double[][] out = new double[2][bins];
    String[] names = {"weights", "squares"};
    int size = -1;
    for (int a = 0; a < 2; a++) {
      Object w = m.get(names[a]);
      if (!(w instanceof List)) {
        throw new JsonException("\"" + key + "." + names[a] + "\" must be an array");
      }
      List<?> l = (List<?>) w;
      if (size >= 0 && l.size() != size) {
        throw new JsonException("\"" + key + "\" has weights and squares of different lengths");
      }
      size = l.size();
      if (first < 0 || first + l.size() > bins) {
        throw new JsonException("\"" + key + "\" does not fit " + bins + " bins");
      }
      for (int i = 0; i < l.size(); i++) {
        if (!(l.get(i) instanceof BigDecimal)) {
          throw new JsonException("\"" + key + "." + names[a] + "\" must hold numbers");
        }
        double d = ((BigDecimal) l.get(i)).doubleValue();
        if (!(d >= 0) || Double.isInfinite(d)) {
          throw new JsonException("\"" + key + "." + names[a] + "\" must be finite and not negative");
        }
        out[a][(int) first + i] = d;
      }
    }
    return out;
  }

  /** The file's text for {@code c}. */
  static String format(Contents c) {
    DurationHistogram.State s = c.durations();
    StringBuilder b = new StringBuilder(3000);
    b.append("{\n");
    b.append("  \"format\": \"").append(FORMAT).append("\",\n");
    b.append("  \"version\": ").append(VERSION).append(",\n");
    b.append("  \"about\": \"what vtstatus's adaptive poll schedule learned about job durations; safe to delete\",\n");
    b.append("  \"saved_at\": \"").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append("\",\n");
    b.append("  \"bins_per_decade\": ").append(DurationHistogram.BINS_PER_DECADE).append(",\n");
    b.append("  \"min_seconds\": ").append(num(DurationHistogram.MIN_SECONDS)).append(",\n");
    b.append("  \"bins\": ").append(s.ended.w.length).append(",\n");
    b.append("  \"jobs_ended\": ").append(s.count).append(",\n");
    b.append("  \"watches_given_up\": ").append(s.censoredCount).append(",\n");
    b.append("  \"miss_share\": ").append(num(c.missShare())).append(",\n");
    b.append("  \"ended\": ");
    sparse(b, s.ended);
    b.append(",\n  \"censored\": ");
    sparse(b, s.censored);
    b.append("\n}\n");
    return b.toString();
  }

  /** The non-zero stretch of {@code b} as {@code {"first": i, "weights": [...], "squares": [...]}}. */
  private static void sparse(StringBuilder out, DurationHistogram.Bins b) {
    double[] w = b.w;
    int first = -1;
    int last = -1;
    double max = 0;
    for (double v : w) {
      max = Math.max(max, v);
    }
    // Weights a millionth of the largest change nothing a plan can see: drop them.
    double floor = max * 1e-6;
    for (int i = 0; i < w.length; i++) {
      if (w[i] > floor) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    List<String> ws = new ArrayList<>();
    List<String> sq = new ArrayList<>();
    for (int i = first; i >= 0 && i <= last; i++) {
      boolean keep = w[i] > floor;
      String wi = keep ? num(w[i]) : "0";
      ws.add(wi);
      // A square must not exceed its (rounded) weight squared: cap it and round it down.
      double wr = Double.parseDouble(wi);
      double si = Math.min(b.sq[i], wr * wr);
      sq.add(keep && si > 0 ? new BigDecimal(si).round(DOWN).stripTrailingZeros().toString() : "0");
    }
    out.append("{\"first\": ").append(Math.max(0, first))
        .append(", \"weights\": [").append(String.join(", ", ws))
        .append("], \"squares\": [").append(String.join(", ", sq)).append("]}");
  }

  private static String num(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not a finite number: " + d);
    }
    if (d == 0) {
      return "0";
    }
    return new BigDecimal(d).round(DIGITS).stripTrailingZeros().toString();
  }

  /** Writes {@code c} atomically; on failure warns once and carries on. */
  void save(Contents c) {
    if (!mayWrite) {
      return;
    }
    byte[] bytes = format(c).getBytes(StandardCharsets.UTF_8);
    Path tmp = null;
    try {
      Path dir = path.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + path.getFileName() + ".", ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException | SecurityException e) {
      warn("cannot be written (" + e + "); learning in memory only");
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // Nothing more to do: the warning above stands.
        }
      }
    }
  }

  private void warn(String what) {
    if (warned.compareAndSet(false, true)) {
      warnings.accept("poll schedule state file " + path + " " + what);
    }
  }
}
