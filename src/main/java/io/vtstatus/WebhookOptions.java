package io.vtstatus;

import io.vtstatus.internal.client.WebhookScheme;
import io.vtstatus.internal.webhook.KeyRing;
import io.vtstatus.internal.webhook.Signatures;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link StatusClient} receives webhooks: on a listener of its own (a port on a bind
 * address, loopback unless told otherwise; the URL to register when it is behind a proxy or NAT),
 * or through your own HTTP server ({@link #inbound()}, fed to {@link
 * StatusClient#acceptWebhook}); and how deliveries are verified: Standard Webhooks (the default:
 * the signing secret to register and any further keys deliveries may be signed with), a {@link
 * #sharedHeader}, none ({@link #unsigned()}), or your {@link #check}. Immutable; each setter
 * returns a copy.
 *
 * <pre>{@code
 * WebhookOptions.port(9090)                         // 127.0.0.1:9090, registered as such
 * WebhookOptions.port(0).publicUrl(URI.create("https://hooks.example.com/vt"))
 * WebhookOptions.port(0).secret(newSecret).verificationKeys(oldSecret, "whpk_...")
 * WebhookOptions.inbound().secret(replicateSecret)  // your server calls acceptWebhook
 * WebhookOptions.inbound().sharedHeader("X-Hook-Auth", value)   // AssemblyAI's scheme
 * WebhookOptions.inbound().unsigned()               // HeyGen's callbacks: hints only
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
  /** Whether there is a listener of ours, deliveries fed in by the application, or neither. */
  private enum Mode {
    DISABLED, LISTEN, INBOUND
  }

  private static final WebhookOptions DISABLED = new WebhookOptions(Mode.DISABLED, 0, null, null,
      "/webhook", null, List.of(), WebhookScheme.STANDARD);

  private final Mode mode;
  private final int port;
  private final InetAddress bindAddress;
  private final URI publicUrl;
  private final String path;
  private final String secret;
  private final List<String> verificationKeys;
  private final WebhookScheme scheme;

  private WebhookOptions(Mode mode, int port, InetAddress bindAddress, URI publicUrl,
      String path, String secret, List<String> verificationKeys, WebhookScheme scheme) {
    this.mode = mode;
    this.port = port;
    this.bindAddress = bindAddress;
    this.publicUrl = publicUrl;
    this.path = path;
    this.secret = secret;
    this.verificationKeys = verificationKeys;
    this.scheme = scheme;
  }

  /**
   * Listen on {@code port} (0 picks a free one) on the loopback address.
   *
   * @param port the port, 0 for any free one
   * @return options for a listener on {@code port}
   */
  public static WebhookOptions port(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port: " + port);
    }
    return new WebhookOptions(Mode.LISTEN, port, null, null, "/webhook", null, List.of(),
        WebhookScheme.STANDARD);
  }

  /**
   * No listener and no registration: your own HTTP server receives the deliveries and hands
   * each to {@link StatusClient#acceptWebhook}. For senders configured elsewhere (a URL given
   * on create, a project-level endpoint). With Standard Webhooks, give the sender's {@link
   * #secret} (or {@link #verificationKeys}): without a key a signed delivery is only a hint.
   *
   * @return options for deliveries received by the application
   */
  public static WebhookOptions inbound() {
    return new WebhookOptions(Mode.INBOUND, 0, null, null, "/webhook", null, List.of(),
        WebhookScheme.STANDARD);
  }

  /**
   * No listener: your own HTTP server receives the deliveries at {@code publicUrl} and hands
   * each to {@link StatusClient#acceptWebhook}; the client registers {@code publicUrl} where its
   * protocol registers webhooks ({@link JobProtocol#vtstatus()}'s {@code POST
   * /register-webhook}; a declared protocol registers nothing).
   *
   * @param publicUrl the URL the sender posts to
   * @return options for deliveries received by the application
   */
  public static WebhookOptions inbound(URI publicUrl) {
    return new WebhookOptions(Mode.INBOUND, 0, null, httpUrl(publicUrl), "/webhook", null,
        List.of(), WebhookScheme.STANDARD);
  }

  /**
   * No listener: the client polls only.
   *
   * @return options without webhooks
   */
  public static WebhookOptions disabled() {
    return DISABLED;
  }

  /**
   * Binds the listener to {@code address} instead of loopback (e.g. to receive from a LAN).
   *
   * @param address the address to bind
   * @return a copy of these options with this change
   */
  public WebhookOptions bindAddress(InetAddress address) {
    requireListening("bindAddress");
    return new WebhookOptions(mode, port, Objects.requireNonNull(address, "address"), publicUrl,
        path, secret, verificationKeys, scheme);
  }

  /**
   * The URL the server should call, when it differs from the listener's own address.
   *
   * @param url the URL to register
   * @return a copy of these options with this change
   */
  public WebhookOptions publicUrl(URI url) {
    requireListening("publicUrl");
    return new WebhookOptions(mode, port, bindAddress, httpUrl(url), path, secret,
        verificationKeys, scheme);
  }

  private static URI httpUrl(URI url) {
    Objects.requireNonNull(url, "url");
    String s = url.getScheme();
    if (!"http".equalsIgnoreCase(s) && !"https".equalsIgnoreCase(s)) {
      throw new IllegalArgumentException("Invalid webhook URL (need http or https): " + url);
    }
    return url;
  }

  /**
   * The path the listener serves (default {@code /webhook}, as the original client used), as
   * plain text: {@code /hoök} is registered percent-encoded and matched against the decoded
   * request path. It must start with {@code /}; spaces, control characters, {@code %}, {@code ?},
   * {@code #} and the other characters a URL path cannot hold are refused here, before
   * anything binds.
   *
   * @param path the path, starting with {@code /}
   * @return a copy of these options with this change
   */
  public WebhookOptions path(String path) {
    requireListening("path");
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
    return new WebhookOptions(mode, port, bindAddress, publicUrl, path, secret, verificationKeys,
        scheme);
  }

  /**
   * The Standard Webhooks secret ({@code whsec_<base64>}, or the base64 alone, as the Standard
   * Webhooks reference libraries accept it) to register and verify {@code v1} signatures with,
   * unless the server answers with key material of its own. Without one the client generates a
   * fresh secret per client and registers it.
   *
   * @param secret the secret
   * @return a copy of these options with this change
   */
  public WebhookOptions secret(String secret) {
    requireStandard("secret");
    Objects.requireNonNull(secret, "secret");
    String s = Signatures.withPrefix(secret);
    if (!Signatures.isValidSecret(s)) {
      throw new IllegalArgumentException(
          "Invalid webhook secret: need whsec_ followed by base64 of at least 16 bytes");
    }
    return new WebhookOptions(mode, port, bindAddress, publicUrl, path, s, verificationKeys,
        scheme);
  }

  /**
   * Further keys deliveries may be signed with, trusted whatever the server answers: {@code
   * whsec_} secrets ({@code v1}, e.g. the old secret during a rotation) and {@code whpk_} public
   * keys ({@code v1a}, the sender's). Replaces the keys given before; none (the default) trusts
   * only the secret and what registration returns.
   *
   * @param keys {@code whsec_} secrets or {@code whpk_} public keys
   * @return a copy of these options with this change
   * @throws IllegalArgumentException if a key is malformed or a {@code whsk_} secret key
   */
  public WebhookOptions verificationKeys(String... keys) {
    requireStandard("verificationKeys");
    Objects.requireNonNull(keys, "keys");
    List<String> copy = new ArrayList<>(keys.length);
    for (String k : keys) {
      KeyRing.requireVerifyingKey(k);
      copy.add(Signatures.withPrefix(k));
    }
    return new WebhookOptions(mode, port, bindAddress, publicUrl, path, secret,
        List.copyOf(copy), scheme);
  }

  /**
   * Deliveries prove themselves with a static header instead of a signature, as AssemblyAI's
   * {@code webhook_auth_header_name} / {@code _value} do: a delivery whose header {@code name}
   * does not hold exactly {@code value} (compared in constant time) is answered {@code 401} and
   * changes nothing. The value is never printed, logged or quoted. Replaces Standard Webhooks
   * verification (and any {@link #secret} or {@link #verificationKeys} given).
   *
   * @param name the header's name
   * @param value the header's value, the shared secret
   * @return a copy of these options with this change
   * @throws IllegalArgumentException for a name that is not an HTTP token, or an empty value or
   *     one with control characters (the message never quotes it)
   */
  public WebhookOptions sharedHeader(String name, String value) {
    requireEnabled();
    return withScheme(WebhookScheme.sharedHeader(name, value));
  }

  /**
   * Deliveries carry no proof, as HeyGen's per-job callbacks: each is a hint, confirmed by one
   * status read before it ends a watch, whatever its body says.
   *
   * @return a copy of these options with this change
   */
  public WebhookOptions unsigned() {
    requireEnabled();
    return withScheme(WebhookScheme.UNSIGNED);
  }

  /**
   * Deliveries are authentic when {@code check} says so: see {@link WebhookCheck}.
   *
   * @param check decides whether a delivery is authentic
   * @return a copy of these options with this change
   */
  public WebhookOptions check(WebhookCheck check) {
    requireEnabled();
    return withScheme(WebhookScheme.check(check));
  }

  private WebhookOptions withScheme(WebhookScheme s) {
    return new WebhookOptions(mode, port, bindAddress, publicUrl, path, null, List.of(), s);
  }

  private void requireEnabled() {
    if (mode == Mode.DISABLED) {
      throw new IllegalStateException("webhooks are disabled");
    }
  }

  private void requireListening(String what) {
    requireEnabled();
    if (mode != Mode.LISTEN) {
      throw new IllegalStateException(what + " is for the client's own listener;"
          + " with inbound() your server receives the deliveries");
    }
  }

  private void requireStandard(String what) {
    requireEnabled();
    if (scheme != WebhookScheme.STANDARD) {
      throw new IllegalStateException(what + " is for Standard Webhooks signatures; these"
          + " options verify with " + scheme);
    }
  }

  /**
   * True when the client receives webhooks, by its own listener or through {@link
   * StatusClient#acceptWebhook}.
   *
   * @return true when the client receives webhooks
   */
  public boolean enabled() {
    return mode != Mode.DISABLED;
  }

  /**
   * True when the client runs a listener of its own ({@link #port}); false for inbound and
   * disabled.
   *
   * @return true when the client runs a listener of its own
   */
  public boolean listens() {
    return mode == Mode.LISTEN;
  }

  /** How deliveries are verified, as the engine uses it. */
  WebhookScheme scheme() {
    return scheme;
  }

  /**
   * The port to listen on (0 = any free port).
   *
   * @return the port to listen on (0 = any free port)
   */
  public int port() {
    return port;
  }

  /**
   * The bind address; empty means loopback.
   *
   * @return the bind address; empty means loopback
   */
  public Optional<InetAddress> bindAddress() {
    return Optional.ofNullable(bindAddress);
  }

  /**
   * The URL registered with the server (or given to the sender), when it is not the listener's.
   *
   * @return the public URL; empty means the listener's own
   */
  public Optional<URI> publicUrl() {
    return Optional.ofNullable(publicUrl);
  }

  /**
   * The path the listener serves.
   *
   * @return the path, {@code /webhook} by default
   */
  public String path() {
    return path;
  }

  /**
   * The Standard Webhooks secret to register and verify with.
   *
   * @return the secret; empty when the client generates one (or the scheme takes none)
   */
  public Optional<String> secret() {
    return Optional.ofNullable(secret);
  }

  /**
   * The keys trusted besides the secret and what registration returns; empty by default.
   *
   * @return the keys trusted besides the secret and what registration returns
   */
  public List<String> verificationKeys() {
    return verificationKeys;
  }

  @Override
  public String toString() {
    if (mode == Mode.DISABLED) {
      return "WebhookOptions.disabled()";
    }
    String verify = scheme != WebhookScheme.STANDARD ? ", verify=" + scheme
        : ", secret=" + (secret == null ? "generated" : "given") + ", verificationKeys="
            + verificationKeys.size();
    if (mode == Mode.INBOUND) {
      return "WebhookOptions[inbound, publicUrl=" + publicUrl + verify + "]";
    }
    return "WebhookOptions[port=" + port + ", bind=" + (bindAddress == null ? "loopback" : bindAddress)
        + ", publicUrl=" + publicUrl + ", path=" + path + verify + "]";
  }
}
