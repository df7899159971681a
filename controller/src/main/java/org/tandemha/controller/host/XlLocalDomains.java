package org.tandemha.controller.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tandemha.actors.port.LocalDomains;

/**
 * The guests dom0's hypervisor runs, read with {@code xl list -v} and stopped with {@code xl destroy <domid>}:
 * both work on an isolated host, where XAPI calls would wait for an unreachable pool master. Every call is
 * bounded; output that cannot be read is an error, never "no guests".
 */
public final class XlLocalDomains implements LocalDomains {
  /** Name (may hold spaces), ID, Mem, VCPUs, State, Time(s), UUID, … as {@code xl list -v} prints them. */
  private static final Pattern ROW = Pattern.compile(
      "^(?<name>.*?)\\s+(?<id>\\d+)\\s+\\d+\\s+\\d+\\s+[-a-z]{6}\\s+[\\d.]+\\s+(?<uuid>[0-9a-fA-F-]{36})(\\s.*)?$");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final String xl;

  public XlLocalDomains(String xl) {
    this.xl = xl;
  }

  public XlLocalDomains() {
    this("xl");
  }

  @Override public List<Domain> running() {
    return parse(run(List.of(xl, "list", "-v")));
  }

  @Override public void destroy(Domain domain) {
    for (String line : run(List.of(xl, "list", "-v")).lines().toList()) {
      Matcher m = ROW.matcher(line);
      if (m.matches() && m.group("uuid").equalsIgnoreCase(domain.vmUuid())) {
        run(List.of(xl, "destroy", m.group("id")));
        return;
      }
    }
    // Already gone: what the caller wanted.
  }

  /** The guests of an {@code xl list -v} output (dom0, ID 0, left out); a body line that does not parse is an error. */
  public static List<Domain> parse(String output) {
    List<Domain> out = new ArrayList<>();
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty() || !lines.get(0).trim().startsWith("Name")) {
      throw new IllegalStateException("xl list -v: no header line in output: " + abbreviate(output));
    }
    for (String line : lines.subList(1, lines.size())) {
      Matcher m = ROW.matcher(line);
      if (!m.matches()) throw new IllegalStateException("xl list -v: unreadable line: " + abbreviate(line));
      if (m.group("id").equals("0")) continue;
      out.add(new Domain(m.group("uuid").toLowerCase(), m.group("name").trim()));
    }
    return out;
  }

  private static String run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + ": no answer within " + TIMEOUT);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + abbreviate(out));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
    }
  }

  private static String abbreviate(String s) {
    String t = s.strip();
    return t.length() > 200 ? t.substring(0, 200) + "…" : t;
  }
}
