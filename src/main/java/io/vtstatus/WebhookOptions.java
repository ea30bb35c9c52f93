package io.vtstatus;

import java.net.InetAddress;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link StatusClient} listens for webhooks: a port on a bind address (loopback unless
 * told otherwise), the URL to register (when the listener is behind a proxy or NAT), and the
 * signing secret. Immutable; each setter returns a copy.
 *
 * <pre>{@code
 * WebhookOptions.port(9090)                         // 127.0.0.1:9090, registered as such
 * WebhookOptions.port(0).publicUrl(URI.create("https://hooks.example.com/vt"))
 * WebhookOptions.disabled()                         // polling only
 * }</pre>
 */
public final class WebhookOptions {
  private static final WebhookOptions DISABLED =
      new WebhookOptions(false, 0, null, null, "/webhook", null);

  private final boolean enabled;
  private final int port;
  private final InetAddress bindAddress;
  private final URI publicUrl;
  private final String path;
  private final String secret;

  private WebhookOptions(
      boolean enabled, int port, InetAddress bindAddress, URI publicUrl, String path, String secret) {
    this.enabled = enabled;
    this.port = port;
    this.bindAddress = bindAddress;
    this.publicUrl = publicUrl;
    this.path = path;
    this.secret = secret;
  }

  /** Listen on {@code port} (0 picks a free one) on the loopback address. */
  public static WebhookOptions port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port: " + port);
    }
    return new WebhookOptions(true, port, null, null, "/webhook", null);
  }

  /** No listener: the client polls only. */
  public static WebhookOptions disabled() {
    return DISABLED;
  }

  /** Binds the listener to {@code address} instead of loopback (e.g. to receive from a LAN). */
  public WebhookOptions bindAddress(InetAddress address) {
    requireEnabled();
    return new WebhookOptions(
        true, port, Objects.requireNonNull(address, "address"), publicUrl, path, secret);
  }

  /** The URL the server should call, when it differs from the listener's own address. */
  public WebhookOptions publicUrl(URI url) {
    requireEnabled();
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("Invalid webhook URL (need http or https): " + url);
    }
    return new WebhookOptions(true, port, bindAddress, url, path, secret);
  }

  /**
   * The path the listener serves (default {@code /webhook}, as the original client used), as
   * plain text: {@code /hoök} is registered percent-encoded and matched against the decoded
   * request path. It must start with {@code /}; spaces, control characters, {@code %}, {@code ?},
   * {@code #} and the other characters a URL path cannot hold are refused here, before
   * anything binds.
   */
  public WebhookOptions path(String path) {
    requireEnabled();
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/") || path.length() > 1024) {
      throw new IllegalArgumentException("Invalid path (must start with /): " + path);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)
          || "%?#\"<>\\^`{|}[]".indexOf(c) >= 0) {
        throw new IllegalArgumentException("Invalid path: " + path + " (character '" + c
            + "' at " + i + " cannot be in a URL path; give the path unencoded)");
      }
    }
    return new WebhookOptions(true, port, bindAddress, publicUrl, path, secret);
  }

  /**
   * The Standard Webhooks secret ({@code whsec_<base64>}) to register and verify with. Without
   * one the client generates a fresh secret per client and registers it.
   */
  public WebhookOptions secret(String secret) {
    requireEnabled();
    WebhookVerifier.requireValidSecret(secret);
    return new WebhookOptions(true, port, bindAddress, publicUrl, path, secret);
  }

  private void requireEnabled() {
    if (!enabled) {
      throw new IllegalStateException("webhooks are disabled");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** The port to listen on (0 = any free port). */
  public int port() {
    return port;
  }

  /** The bind address; empty means loopback. */
  public Optional<InetAddress> bindAddress() {
    return Optional.ofNullable(bindAddress);
  }

  public Optional<URI> publicUrl() {
    return Optional.ofNullable(publicUrl);
  }

  public String path() {
    return path;
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secret);
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "WebhookOptions.disabled()";
    }
    return "WebhookOptions[port=" + port + ", bind=" + (bindAddress == null ? "loopback" : bindAddress)
        + ", publicUrl=" + publicUrl + ", path=" + path + ", secret=" + (secret == null ? "generated" : "given")
        + "]";
  }
}
