package io.vtstatus;

import io.vtstatus.internal.webhook.KeyRing;
import io.vtstatus.internal.webhook.Signatures;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link StatusClient} listens for webhooks: a port on a bind address (loopback unless
 * told otherwise), the URL to register (when the listener is behind a proxy or NAT), the signing
 * secret to register, and any further keys deliveries may be signed with. Immutable; each setter
 * returns a copy.
 *
 * <pre>{@code
 * WebhookOptions.port(9090)                         // 127.0.0.1:9090, registered as such
 * WebhookOptions.port(0).publicUrl(URI.create("https://hooks.example.com/vt"))
 * WebhookOptions.port(0).secret(newSecret).verificationKeys(oldSecret, "whpk_...")
 * WebhookOptions.disabled()                         // polling only
 * }</pre>
 *
 * <p>Which keys the listener trusts: the {@link #verificationKeys} always; and the key material
 * of the server's latest registration answer (its {@code secret}, its {@code whpk_} {@code
 * public_key}), or, when the answer carries none, the {@link #secret} registered. A key the server
 * stops answering is retired: it still verifies deliveries signed before it was retired, and
 * nothing signed later.
 */
public final class WebhookOptions {
  private static final WebhookOptions DISABLED =
      new WebhookOptions(false, 0, null, null, "/webhook", null, List.of());

  private final boolean enabled;
  private final int port;
  private final InetAddress bindAddress;
  private final URI publicUrl;
  private final String path;
  private final String secret;
  private final List<String> verificationKeys;

  private WebhookOptions(boolean enabled, int port, InetAddress bindAddress, URI publicUrl,
      String path, String secret, List<String> verificationKeys) {
    this.enabled = enabled;
    this.port = port;
    this.bindAddress = bindAddress;
    this.publicUrl = publicUrl;
    this.path = path;
    this.secret = secret;
    this.verificationKeys = verificationKeys;
  }

  /** Listen on {@code port} (0 picks a free one) on the loopback address. */
  public static WebhookOptions port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port: " + port);
    }
    return new WebhookOptions(true, port, null, null, "/webhook", null, List.of());
  }

  /** No listener: the client polls only. */
  public static WebhookOptions disabled() {
    return DISABLED;
  }

  /** Binds the listener to {@code address} instead of loopback (e.g. to receive from a LAN). */
  public WebhookOptions bindAddress(InetAddress address) {
    requireEnabled();
    return new WebhookOptions(true, port, Objects.requireNonNull(address, "address"), publicUrl,
        path, secret, verificationKeys);
  }

  /** The URL the server should call, when it differs from the listener's own address. */
  public WebhookOptions publicUrl(URI url) {
    requireEnabled();
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("Invalid webhook URL (need http or https): " + url);
    }
    return new WebhookOptions(true, port, bindAddress, url, path, secret, verificationKeys);
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
    return new WebhookOptions(true, port, bindAddress, publicUrl, path, secret, verificationKeys);
  }

  /**
   * The Standard Webhooks secret ({@code whsec_<base64>}) to register and verify {@code v1}
   * signatures with, unless the server answers with key material of its own. Without one the
   * client generates a fresh secret per client and registers it.
   */
  public WebhookOptions secret(String secret) {
    requireEnabled();
    Objects.requireNonNull(secret, "secret");
    if (!Signatures.isValidSecret(secret)) {
      throw new IllegalArgumentException(
          "Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes");
    }
    return new WebhookOptions(true, port, bindAddress, publicUrl, path, secret, verificationKeys);
  }

  /**
   * Further keys deliveries may be signed with, trusted whatever the server answers: {@code
   * whsec_} secrets ({@code v1}, e.g. the old secret during a rotation) and {@code whpk_} public
   * keys ({@code v1a}, the sender's). Replaces the keys given before; none (the default) trusts
   * only the secret and what registration returns.
   *
   * @throws IllegalArgumentException if a key is malformed or a {@code whsk_} secret key
   */
  public WebhookOptions verificationKeys(String... keys) {
    requireEnabled();
    Objects.requireNonNull(keys, "keys");
    List<String> copy = new ArrayList<>(keys.length);
    for (String k : keys) {
      KeyRing.requireVerifyingKey(k);
      copy.add(k);
    }
    return new WebhookOptions(true, port, bindAddress, publicUrl, path, secret, List.copyOf(copy));
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

  /** The keys trusted besides the secret and what registration returns; empty by default. */
  public List<String> verificationKeys() {
    return verificationKeys;
  }

  @Override
  public String toString() {
    if (!enabled) {
      return "WebhookOptions.disabled()";
    }
    return "WebhookOptions[port=" + port + ", bind=" + (bindAddress == null ? "loopback" : bindAddress)
        + ", publicUrl=" + publicUrl + ", path=" + path + ", secret=" + (secret == null ? "generated" : "given")
        + ", verificationKeys=" + verificationKeys.size() + "]";
  }
}
