package io.vtstatus.internal;

import io.vtstatus.JobStatus;
import io.vtstatus.internal.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The rules of wire protocol v1 ({@code docs/PROTOCOL.md}) that the client and the simulator
 * share: which job ids exist, the default job's name, and the status body (a {@code GET /status}
 * answer and a webhook's body are the same object). Each rule is written here and nowhere else,
 * so the two sides cannot drift apart.
 */
public final class Protocol {
  /** The job ids both sides accept, as a regular expression (for messages and docs). */
  public static final String JOB_ID_RULE = "[A-Za-z0-9._-]{1,128}";
  /** The job behind {@code GET /status} without a {@code job} parameter (the original protocol). */
  public static final String DEFAULT_JOB = "default";

  /** Status body field: the job's id. */
  public static final String JOB = "job";
  /** Status body field: the status word (the original server's name for it). */
  public static final String RESULT = "result";
  /** Status body field: the status word again, under the name most backends use. */
  public static final String STATUS = "status";
  /** Status body field: when the status last changed, RFC 3339 UTC with microseconds. */
  public static final String UPDATED_AT = "updated_at";
  /** Status body hint of a pending job: percent done, 0..99. */
  public static final String PROGRESS = "progress";
  /** Status body hint of a pending job: milliseconds until it is expected to end. */
  public static final String ETA_MS = "eta_ms";

  private static final DateTimeFormatter RFC3339_MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Protocol() {}

  /**
   * Whether {@code id} matches {@value #JOB_ID_RULE}; false for null. Checked by hand: the
   * simulator asks this on every {@code /status}, and a regex matcher per call was a measurable
   * share of its throughput.
   */
  public static boolean isJobId(String id) {
    if (id == null) {
      return false;
    }
    int n = id.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code t} as {@value #UPDATED_AT} writes it: {@code 2026-11-28T17:20:01.123456Z}. */
  public static String timestamp(Instant t) {
    return RFC3339_MICROS.format(t);
  }

  /**
   * The status body of job {@code jobId}: {@code job}, {@code result}, {@code status} and {@code
   * updated_at}, in that order. A pending answer may add {@link #PROGRESS} and {@link #ETA_MS}.
   */
  public static Json.ObjectBuilder statusBody(String jobId, JobStatus status, Instant updatedAt) {
    return Json.obj()
        .put(JOB, jobId)
        .put(RESULT, status.wireName())
        .put(STATUS, status.wireName())
        .put(UPDATED_AT, timestamp(updatedAt));
  }

  /** The most seconds a {@code wait=N} preference may name; longer values read as this. */
  public static final long MAX_WAIT_SECONDS = 86_400;

  /**
   * The {@code wait=N} preference (RFC 7240) in a {@code Prefer} or {@code Preference-Applied}
   * header: N seconds, or empty when the header is absent or holds no valid wait. A header may
   * hold several preferences ({@code respond-async, wait=10}), each with parameters after
   * {@code ;}.
   */
  public static OptionalLong waitPreference(String header) {
    if (header == null) {
      return OptionalLong.empty();
    }
    for (String pref : header.split(",")) {
      String p = pref.strip();
      int semi = p.indexOf(';');
      if (semi >= 0) {
        p = p.substring(0, semi).strip();
      }
      if (p.length() > 5 && p.regionMatches(true, 0, "wait=", 0, 5)) {
        String n = p.substring(5);
        if (n.chars().allMatch(c -> c >= '0' && c <= '9')) {
          return OptionalLong.of(n.length() > 6 ? MAX_WAIT_SECONDS
              : Math.min(MAX_WAIT_SECONDS, Long.parseLong(n)));
        }
      }
    }
    return OptionalLong.empty();
  }
}
