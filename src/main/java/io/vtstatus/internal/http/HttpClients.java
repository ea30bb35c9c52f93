package io.vtstatus.internal.http;

import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.http.HttpClient;

/** What we do with the JDK's {@code HttpClient} that Java 17's API cannot say. */
public final class HttpClients {
  private static final System.Logger LOG = System.getLogger("io.vtstatus");

  private HttpClients() {}

  /**
   * Stops {@code c} where the running JDK can: Java 21 added {@code shutdownNow()}, which aborts
   * its exchanges and ends its selector thread at once. On 17 there is no such call: the selector
   * ends once the client is unreachable and has no exchange pending, so callers also drop every
   * reference they hold. Found by reflection, since we compile for 17.
   *
   * @return whether the client was stopped
   */
  public static boolean shutdownNow(HttpClient c) {
    try {
      Method m = HttpClient.class.getMethod("shutdownNow");
      m.invoke(c);
      return true;
    } catch (NoSuchMethodException e) {
      return false; // Java 17 to 20
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.log(Level.DEBUG, "stopping HttpClient", e);
      return false;
    }
  }
}
