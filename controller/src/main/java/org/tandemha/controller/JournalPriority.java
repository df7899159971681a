package org.tandemha.controller;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * {@code %prio} in a logback pattern: the {@code <N>} prefix systemd reads on a service's standard output
 * (SyslogLevelPrefix), so the journal and syslog keep each line's level: {@code journalctl -u tandem -p warning}.
 */
public final class JournalPriority extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    int level = event.getLevel().toInt();
    if (level >= Level.ERROR_INT) return "<3>";
    if (level >= Level.WARN_INT) return "<4>";
    if (level >= Level.INFO_INT) return "<6>";
    return "<7>";
  }
}
