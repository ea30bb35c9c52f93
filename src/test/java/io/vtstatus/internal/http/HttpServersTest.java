package io.vtstatus.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HttpServersTest {
  @Test
  void tuneSetsOnlyUnsetPropertiesAndLogsEachOnceAtDebug() throws IOException {
    // The JDK reads these properties once per JVM, when its first server is made: make one now,
    // so that what this test sets and clears cannot reach the servers of tests that run after it
    // in this JVM (cleared, nodelay would make every answer ~40 ms late).
    HttpServers.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null).stop(0);
    Map<String, String> saved = new HashMap<>();
    for (String[] d : HttpServers.DEFAULTS) {
      saved.put(d[0], System.getProperty(d[0]));
    }
    Logger jul = Logger.getLogger(HttpServers.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Level level = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(h);
    try {
      // The JDK has read these already in this JVM (above), so changing them here affects nothing
      // but this test.
      System.clearProperty("sun.net.httpserver.nodelay");
      System.clearProperty("sun.net.httpserver.maxIdleConnections");
      System.setProperty("sun.net.httpserver.maxReqTime", "7");
      HttpServers.tune();
      HttpServers.tune();
      assertEquals("true", System.getProperty("sun.net.httpserver.nodelay"));
      assertEquals("1000", System.getProperty("sun.net.httpserver.maxIdleConnections"));
      assertEquals("7", System.getProperty("sun.net.httpserver.maxReqTime"), "a user's value stays");
      assertEquals(2, records.size(), "one line per property set, none for the user's own");
      for (LogRecord r : records) {
        assertEquals(Level.FINE, r.getLevel(), "DEBUG");
        assertTrue(r.getParameters()[0].toString().startsWith("sun.net.httpserver."));
      }
    } finally {
      jul.removeHandler(h);
      jul.setLevel(level);
      saved.forEach((k, v) -> {
        if (v == null) {
          System.clearProperty(k);
        } else {
          System.setProperty(k, v);
        }
      });
    }
  }
}
