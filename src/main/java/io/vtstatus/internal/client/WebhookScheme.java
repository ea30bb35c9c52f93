package io.vtstatus.internal.client;

import io.vtstatus.WebhookCheck;
import io.vtstatus.internal.webhook.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How deliveries prove where they come from, chosen per client on {@code WebhookOptions}:
 * Standard Webhooks signatures (the keys live in {@link TrustedKeys}), a static shared header
 * (AssemblyAI's), none (every delivery a hint), or the user's own {@link WebhookCheck}. The one
 * holder of a shared header's value: {@link #toString()} never prints it. Immutable.
 */
public final class WebhookScheme {
  /** The kinds, in the words messages and {@code toString()} use. */
  public enum Kind {
    STANDARD_WEBHOOKS, SHARED_HEADER, UNSIGNED, CHECK
  }

  public static final WebhookScheme STANDARD = new WebhookScheme(Kind.STANDARD_WEBHOOKS, null, null, null);
  public static final WebhookScheme UNSIGNED = new WebhookScheme(Kind.UNSIGNED, null, null, null);

  private final Kind kind;
  private final String headerName;
  /** SHA-256 of the shared header's value: compared in constant time, whatever its length. */
  private final byte[] headerDigest;
  private final WebhookCheck check;

  private WebhookScheme(Kind kind, String headerName, byte[] headerDigest, WebhookCheck check) {
    this.kind = kind;
    this.headerName = headerName;
    this.headerDigest = headerDigest;
    this.check = check;
  }

  /**
   * A static header every delivery must carry.
   *
   * @throws IllegalArgumentException for a name that is not an HTTP token or an empty value or
   *     one with control characters (never quoting the value)
   */
  public static WebhookScheme sharedHeader(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    Credentials.checkHeader(name, value);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Header " + name + " has an empty value");
    }
    return new WebhookScheme(Kind.SHARED_HEADER, name, sha256(value.getBytes(StandardCharsets.ISO_8859_1)), null);
  }

  public static WebhookScheme check(WebhookCheck check) {
    return new WebhookScheme(Kind.CHECK, null, null, Objects.requireNonNull(check, "check"));
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Whether the delivery carries the shared header's value (one value, exactly); the
   * comparison takes the same time wherever the values differ.
   */
  boolean headerMatches(Map<String, List<String>> headers) {
    List<String> values = Signatures.values(headers, headerName);
    if (values.size() != 1) {
      return false;
    }
    return MessageDigest.isEqual(headerDigest, sha256(values.get(0).getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** The user's check; what it throws is a refusal. */
  boolean checkAccepts(Map<String, List<String>> headers, byte[] body) {
    try {
      return check.authentic(headers, body);
    } catch (RuntimeException | Error e) {
      Engine.LOG.log(System.Logger.Level.WARNING, "the webhook check threw "
          + e.getClass().getName() + "; the delivery is refused");
      return false;
    }
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** The kind, and the header's name: never its value. */
  @Override
  public String toString() {
    switch (kind) {
      case SHARED_HEADER:
        return "sharedHeader(" + headerName + ": [redacted])";
      case UNSIGNED:
        return "unsigned()";
      case CHECK:
        return "check(" + check.getClass().getSimpleName() + ")";
      default:
        return "standardWebhooks";
    }
  }
}
