package org.tandemha.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Tandem's version as built (Maven's project version), for {@code tandem version} and {@code tandem status}. */
public final class Version {
  private Version() {}

  private static final String CURRENT = read();

  public static String current() { return CURRENT; }

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
