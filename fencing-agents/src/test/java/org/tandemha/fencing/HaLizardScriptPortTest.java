package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Issue #7 item 2: HA-Lizard's agent contract — {@code <loc>/<M>/<M>.sh <uuid> stop}, exit 0 = verified off —
 * with scripts that succeed, fail, hang and print garbage; arguments reach the script unchanged, never through a
 * shell; status is OFF only after a successful stop.
 */
class HaLizardScriptPortTest {
  static final HostId XS1 = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");

  @TempDir
  Path loc;

  HaLizardScriptPort agent(String body, Duration timeout) throws Exception {
    Path dir = loc.resolve("MYPDU");
    Files.createDirectories(dir);
    Path script = dir.resolve("MYPDU.sh");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new HaLizardScriptPort(loc, "MYPDU", timeout);
  }

  @Test
  void exitZeroIsAVerifiedStopAndTheArgumentsArrivePlain() throws Exception {
    Path args = loc.resolve("args");
    HaLizardScriptPort p = agent("printf '%s\\n' \"$@\" > " + args + "; exit 0", Duration.ofSeconds(5));
    assertThrows(FenceDeviceError.class, () -> p.status(XS1), "no status before a stop");
    assertEquals(PowerState.OFF, p.powerOff(XS1));
    assertEquals(PowerState.OFF, p.status(XS1));
    assertEquals(XS1.uuid() + "\nstop\n", Files.readString(args));
  }

  @Test
  void awkwardArgumentsReachTheScriptUnchangedNeverThroughAShell() throws Exception {
    Path args = loc.resolve("args");
    HaLizardScriptPort p = agent("printf '%s|' \"$@\" > " + args + "; exit 0", Duration.ofSeconds(5));
    HostId odd = new HostId("a b'\"$(touch " + loc.resolve("pwned") + ");x\ny");
    p.powerOff(odd);
    assertEquals(odd.uuid() + "|stop|", Files.readString(args));
    assertTrue(!Files.exists(loc.resolve("pwned")), "no shell ran the argument");
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("a failing script", "echo 'BMC refused login'; exit 1", "exit 1: BMC refused login"),
        Arguments.of("garbage and a failure", "head -c 200 /dev/urandom | tr -dc 'a-z'; exit 7", "exit 7"),
        Arguments.of("a script that hangs", "sleep 60", "no result within 1000 ms; killed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failuresAreFailedFences(String name, String body, String message) throws Exception {
    HaLizardScriptPort p = agent(body, Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    FenceDeviceError e = assertThrows(FenceDeviceError.class, () -> p.powerOff(XS1));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "bounded");
    assertThrows(FenceDeviceError.class, () -> p.status(XS1), "a failed stop proves nothing");
  }

  @Test
  void aMissingAgentOrAPathAsMethodIsRefused() {
    assertThrows(FenceDeviceError.class, () -> new HaLizardScriptPort(loc, "NOPE", Duration.ofSeconds(1)).powerOff(XS1));
    assertThrows(IllegalArgumentException.class, () -> new HaLizardScriptPort(loc, "../etc", Duration.ofSeconds(1)));
  }

  static Stream<Arguments> hostsFiles() {
    String xs1 = XS1.uuid();
    return Stream.of(
        Arguments.of("no .hosts file: the script runs as it is", null, true, ""),
        Arguments.of("the host listed", xs1 + ":10.0.0.5\n", true, ""),
        Arguments.of("the host missing", "3f9a2c1e-5b7d-4e8f-a1c3-000000000a02:10.0.0.6\n", false,
            "does not list host " + xs1),
        Arguments.of("only a longer UUID that contains it (HA-Lizard's grep would match)",
            "x" + xs1.substring(1) + "0:10.0.0.6\n", false, "is not a host UUID"),
        Arguments.of("malformed line", xs1 + " 10.0.0.5\n", false, "MYPDU.hosts line 1: expected <host-uuid>:<value>"),
        Arguments.of("listed twice", xs1 + ":10.0.0.5\n" + xs1 + ":10.0.0.6\n", false, "listed twice"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostsFiles")
  void theHostsFileIsCheckedExactlyBeforeTheScriptRuns(String name, String hosts, boolean runs, String message)
      throws Exception {
    Path ran = loc.resolve("ran");
    HaLizardScriptPort p = agent("touch " + ran + "; exit 0", Duration.ofSeconds(5));
    if (hosts != null) Files.writeString(loc.resolve("MYPDU").resolve("MYPDU.hosts"), hosts);
    if (runs) {
      assertEquals(PowerState.OFF, p.powerOff(XS1));
    } else {
      FenceDeviceError e = assertThrows(FenceDeviceError.class, () -> p.powerOff(XS1));
      assertTrue(e.getMessage().contains(message), e.getMessage());
    }
    assertEquals(runs, Files.exists(ran), "the script ran");
  }
}
