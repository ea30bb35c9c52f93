package io.vtstatus.internal.cli;

import io.vtstatus.internal.util.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tiny flag parser: {@code --name value}, {@code --name=value} and boolean {@code --name}.
 * Unknown flags and bad values are {@link UsageException}s, which commands turn into exit 2.
 */
final class Args {
  /** A usage error: the message is printed on one line and the command exits 2. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, List<String>> every = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args() {}

  /**
   * Parses {@code args}; {@code withValue} names the flags that take a value, {@code booleans}
   * those that do not.
   */
  static Args parse(String[] args, Set<String> withValue, Set<String> booleans) throws UsageException {
    Args a = new Args();
    for (int i = 0; i < args.length; i++) {
      String s = args[i];
      if (!s.startsWith("--")) {
        a.positional.add(s);
        continue;
      }
      String name = s.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        a.values.put(name, "true");
      } else if (withValue.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        a.values.put(name, value);
        a.every.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown flag --" + name);
      }
    }
    return a;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Optional<String> get(String name) {
    return Optional.ofNullable(values.get(name));
  }

  String get(String name, String dflt) {
    return values.getOrDefault(name, dflt);
  }

  /** Every value of a flag that may repeat ({@code --header}), in order. */
  List<String> all(String name) {
    return every.getOrDefault(name, List.of());
  }

  /** {@code s} for a message: control characters as {@code ?}, at most 80 characters. */
  static String printable(String s) {
    return printable(s, 80);
  }

  /** {@code s} for a message: control characters as {@code ?}, at most {@code max} characters. */
  static String printable(String s, int max) {
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() > max ? t.substring(0, max) + "…" : t;
  }

  List<String> positional() {
    return positional;
  }

  Duration duration(String name, Duration dflt) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Durations.parse(v);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
  }

  int integer(String name, int dflt, int min, int max) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be in " + min + ".." + max + ", not " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, not '" + v + "'");
    }
  }

  double fraction(String name, double dflt) throws UsageException {
    String v = values.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d >= 0 && d <= 1)) {
        throw new UsageException("--" + name + " must be between 0 and 1, not " + v);
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number between 0 and 1, not '" + v + "'");
    }
  }
}
