package io.vtstatus.internal.cli;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where {@code vtstatus wait} keeps what its adaptive schedule learned: one small file per
 * server, so that a shell loop or a CI step that waits for one job at a time still learns.
 *
 * <p>The directory is, in order: the system property {@value #PROPERTY}, the environment
 * variable {@value #ENV}, {@code $XDG_STATE_HOME/vtstatus} (the XDG base-directory home for
 * state that should persist but is not worth backing up), {@code ~/.local/state/vtstatus}. The
 * first two exist so tests (and users who want it elsewhere) never touch the real home.
 */
final class LearningFiles {
  static final String PROPERTY = "vtstatus.stateDir";
  static final String ENV = "VTSTATUS_STATE_DIR";

  private LearningFiles() {}

  /** The state directory, from the system properties and environment given. */
  static Path directory(Map<String, String> env, String propertyValue, String userHome) {
    if (propertyValue != null && !propertyValue.isBlank()) {
      return Path.of(propertyValue);
    }
    String own = env.get(ENV);
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_STATE_HOME");
    // The XDG spec says a relative path there is invalid and must be ignored.
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "vtstatus");
    }
    return Path.of(userHome, ".local", "state", "vtstatus");
  }

  /** The state directory of this process. */
  static Path directory() {
    return directory(System.getenv(), System.getProperty(PROPERTY), System.getProperty("user.home"));
  }

  /**
   * The file for {@code server}: readable host and port, then a hash of the whole URL so that two
   * servers on one host:port under different paths do not share a model.
   */
  static Path forServer(Path dir, URI server) {
    String host = Optional.ofNullable(server.getHost()).orElse("server")
        .replaceAll("[^A-Za-z0-9.-]", "-");
    int port = server.getPort() >= 0 ? server.getPort()
        : "https".equalsIgnoreCase(server.getScheme()) ? 443 : 80;
    String url = server.toString().toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    return dir.resolve(host + "-" + port + "-" + hash(url) + ".json");
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 4; i++) {
        b.append(String.format("%02x", d[i]));
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
