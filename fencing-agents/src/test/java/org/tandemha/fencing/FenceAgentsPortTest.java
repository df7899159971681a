package org.tandemha.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Issue #7 items 1 and 5 with the real thing: ClusterLabs' {@code fence_ipmilan} (options on stdin) against
 * OpenIPMI's simulated BMC. Off is read back; a wrong password or an unreachable BMC is a failure that names the
 * device and changes nothing; a dead first level falls through to the second; every run is bounded.
 */
class FenceAgentsPortTest {
  static final HostId XS1 = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");

  @TempDir
  Path tmp;

  @Test
  void offIsReadBackThroughTheRealAgent() throws Exception {
    try (IpmiSim bmc = IpmiSim.start(tmp.resolve("bmc"))) {
      FenceAgentsPort port = new FenceAgentsPort(Map.of(XS1, List.of(bmc.device(IpmiSim.PASSWORD))), Duration.ofSeconds(30));
      // Watch every process's command line while the agents run: the password must never be in one.
      java.util.concurrent.atomic.AtomicBoolean seen = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      Thread watch = new Thread(() -> {
        while (!done.get()) {
          try (var procs = java.nio.file.Files.list(Path.of("/proc"))) {
            procs.filter(d -> d.getFileName().toString().matches("\\d+")).forEach(d -> {
              try {
                if (new String(java.nio.file.Files.readAllBytes(d.resolve("cmdline"))).contains(IpmiSim.PASSWORD)) seen.set(true);
              } catch (Exception gone) {
                // the process ended meanwhile
              }
            });
          } catch (Exception ignored) {
            // next round
          }
        }
      });
      watch.start();
      assertEquals(PowerState.ON, port.status(XS1));
      assertEquals(PowerState.OFF, port.powerOff(XS1));
      done.set(true);
      watch.join();
      assertFalse(seen.get(), "the password appeared in a process's command line");
      assertFalse(bmc.poweredOn(), "the BMC cut the chassis power");
      assertEquals(PowerState.OFF, port.status(XS1));
      assertEquals("fence_ipmilan@127.0.0.1:" + bmc.port, port.deviceOf(XS1));
    }
  }

  @Test
  void anAgentThatSaysOffButLeavesThePowerOnIsAFailedFence() throws Exception {
    try (IpmiSim bmc = IpmiSim.start(tmp.resolve("bmc"))) {
      // A lying device: "off" answers success and does nothing; status is the real agent's.
      Path liar = tmp.resolve("fence_liar");
      java.nio.file.Files.writeString(liar, "#!/bin/sh\ninput=$(cat)\ncase \"$input\" in *action=off*) exit 0;; esac\n"
          + "printf '%s\\n' \"$input\" | /usr/sbin/fence_ipmilan\n");
      java.nio.file.Files.setPosixFilePermissions(liar, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      FenceAgentsPort.Device d = bmc.device(IpmiSim.PASSWORD);
      FenceAgentsPort port = new FenceAgentsPort(Map.of(XS1, List.of(new FenceAgentsPort.Device(liar.toString(),
          d.options()))), Duration.ofSeconds(30));
      FenceDeviceError e = assertThrows(FenceDeviceError.class, () -> port.powerOff(XS1));
      assertTrue(e.getMessage().contains("off returned 0 but status reads ON"), e.getMessage());
      assertTrue(bmc.poweredOn());
    }
  }

  @Test
  void aWrongPasswordFailsAndChangesNothing() throws Exception {
    try (IpmiSim bmc = IpmiSim.start(tmp.resolve("bmc"))) {
      FenceAgentsPort port = new FenceAgentsPort(Map.of(XS1, List.of(bmc.device("wrong"))), Duration.ofSeconds(30));
      FenceDeviceError e = assertThrows(FenceDeviceError.class, () -> port.powerOff(XS1));
      assertTrue(e.getMessage().contains("fence_ipmilan@127.0.0.1:" + bmc.port), e.getMessage());
      assertFalse(e.getMessage().contains("wrong"), "the password is never in a message: " + e.getMessage());
      assertTrue(bmc.poweredOn());
    }
  }

  @Test
  void aDeadFirstLevelFallsThroughToTheSecond() throws Exception {
    try (IpmiSim bmc = IpmiSim.start(tmp.resolve("bmc"))) {
      FenceAgentsPort.Device dead = new FenceAgentsPort.Device("fence_ipmilan", Map.of("ip", "127.0.0.1", "ipport",
          String.valueOf(IpmiSim.freeUdpPort()), "username", "u", "password", "p", "lanplus", "1", "cipher", "3",
          "login_timeout", "1", "retry_on", "1"));
      FenceAgentsPort port = new FenceAgentsPort(Map.of(XS1, List.of(dead, bmc.device(IpmiSim.PASSWORD))),
          Duration.ofSeconds(5));
      assertEquals(PowerState.OFF, port.powerOff(XS1));
      assertFalse(bmc.poweredOn());
      assertEquals(PowerState.OFF, port.status(XS1), "status asks the levels in order until one answers");
    }
  }

  @Test
  void anAgentThatDoesNotFinishIsKilledAtItsBound() throws Exception {
    // An unreachable BMC with the agent's own retries far longer than Tandem's bound.
    FenceAgentsPort.Device silent = new FenceAgentsPort.Device("fence_ipmilan", Map.of("ip", "127.0.0.1", "ipport",
        String.valueOf(IpmiSim.freeUdpPort()), "username", "u", "password", "p", "lanplus", "1", "cipher", "3",
        "login_timeout", "60", "power_timeout", "60"));
    FenceAgentsPort port = new FenceAgentsPort(Map.of(XS1, List.of(silent)), Duration.ofSeconds(2));
    long t0 = System.nanoTime();
    FenceDeviceError e = assertThrows(FenceDeviceError.class, () -> port.powerOff(XS1));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(e.getMessage().contains("did not finish"), e.getMessage());
    assertTrue(ms < 10_000, "bounded: " + ms + " ms");
  }

  @Test
  void aHostWithoutDeviceAndBadOptionsAreRefused() {
    FenceAgentsPort port = new FenceAgentsPort(Map.of(), Duration.ofSeconds(2));
    assertThrows(FenceDeviceError.class, () -> port.powerOff(XS1));
    assertThrows(IllegalArgumentException.class, () -> new FenceAgentsPort.Device("fence_ipmilan", Map.of("action", "off")));
    assertThrows(IllegalArgumentException.class,
        () -> new FenceAgentsPort.Device("fence_ipmilan", Map.of("ip", "1.2.3.4\naction=reboot")));
    assertThrows(IllegalArgumentException.class, () -> new FenceAgentsPort(Map.of(XS1, List.of()), Duration.ofSeconds(2)));
  }
}
