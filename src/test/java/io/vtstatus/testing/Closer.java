package io.vtstatus.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, last opened first, after each test, whether it passed or not; every
 * close runs even if one throws (the first failure is reported, the others suppressed in it).
 * Use as {@code @RegisterExtension final Closer closer = new Closer();}.
 */
public final class Closer implements AfterEachCallback {
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Closes {@code c} after the test; returns it. */
  public <T extends AutoCloseable> T add(T c) {
    synchronized (open) {
      open.add(c);
    }
    return c;
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> all;
    synchronized (open) {
      all = new ArrayList<>(open);
      open.clear();
    }
    Exception first = null;
    for (int i = all.size() - 1; i >= 0; i--) {
      try {
        all.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
