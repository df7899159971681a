package org.tandemha.controller;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %insecure} in a logback pattern: "INSECURE " on every line while node-to-node traffic is plain TCP
 * ({@code tandem.cluster.transport = insecure}), nothing otherwise, so no operator reads a log of such a node
 * without seeing it.
 */
public final class InsecureFlag extends ClassicConverter {
  private static volatile boolean insecure;

  public static void set(boolean on) {
    insecure = on;
  }

  public static boolean on() {
    return insecure;
  }

  @Override
  public String convert(ILoggingEvent event) {
    return insecure ? "INSECURE " : "";
  }
}
