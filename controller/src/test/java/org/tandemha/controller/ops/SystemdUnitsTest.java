package org.tandemha.controller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The units in ops/systemd: {@code systemd-analyze verify} finds nothing to say of them (it exits 0 on settings it
 * ignores, so its output must be empty too), and they keep the settings issue #11 asks for.
 */
class SystemdUnitsTest {
  static final Path UNITS = Path.of("..", "ops", "systemd");
  static final String INSTALLED = "/usr/lib/tandem/bin/tandem";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"tandem.service", "tandem-witness.service"})
  void systemdAnalyzeVerifyHasNothingToSay(String unit) throws Exception {
    assertEquals("", verify(unit, Files.readString(UNITS.resolve(unit))));
  }

  @Test
  void theLintCatchesWhatSystemdWouldIgnore() throws Exception {
    String broken = Files.readString(UNITS.resolve("tandem.service")).replace("Type=notify", "Type=notifyy")
        .replace("WatchdogSec=30s", "WatchdogSec=thirty");
    String said = verify("tandem.service", broken);
    assertTrue(said.contains("Failed to parse service type") && said.contains("Failed to parse sec value"), said);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tandem.service", "tandem-witness.service"})
  void notifyWatchdogRestartAndThePackagedBinary(String unit) throws IOException {
    Map<String, String> s = settings(Files.readString(UNITS.resolve(unit)));
    assertEquals("notify", s.get("Type"));
    assertEquals("main", s.get("NotifyAccess"), "READY=1 and WATCHDOG=1 come from the JVM itself (exec'd by bin/tandem)");
    assertEquals("always", s.get("Restart"));
    assertTrue(s.containsKey("WatchdogSec"), "a stalled JVM is restarted");
    assertEquals("0", s.get("TimeoutStartSec"), "a node that cannot read XAPI yet must still run (0: no limit, systemd 219 too)");
    assertEquals("TANDEM_LOG=journal", s.get("Environment"), "journal logging where systemd sets no JOURNAL_STREAM");
    assertTrue(s.get("ExecStart").startsWith(INSTALLED + " "), "the path the RPM and ops/install use");
    assertEquals(unit.replace(".service", ""), s.get("SyslogIdentifier"));
    assertEquals("0077", s.get("UMask"));
    assertTrue(!s.containsKey("MemoryDenyWriteExecute"), "the JVM's JIT writes code");
  }

  private static Map<String, String> settings(String unit) {
    return unit.lines().map(String::strip).filter(l -> !l.startsWith("#") && l.contains("="))
        .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
            (a, b) -> b));
  }

  /** What systemd-analyze verify prints about this unit, with its ExecStart pointed at an executable stub. */
  private String verify(String name, String unit) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze not installed");
    Path stub = dir.resolve("bin").resolve("tandem");
    Files.createDirectories(stub.getParent());
    Files.writeString(stub, "#!/bin/sh\n");
    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path file = dir.resolve(name);
    Files.writeString(file, unit.replace(INSTALLED, stub.toString()));
    Process p = new ProcessBuilder("systemd-analyze", "verify", file.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    // Other units of this machine may draw remarks too: only ours count.
    List<String> ours = out.lines().filter(l -> l.contains(name) || l.contains(dir.toString())).toList();
    if (p.exitValue() != 0 && ours.isEmpty()) ours = List.of("exit " + p.exitValue() + ": " + out);
    return String.join("\n", ours);
  }
}
