package org.tandemha.harness.fence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.fencing.FenceAgentsPort;
import org.tandemha.fencing.HaLizardMethods;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;
import org.tandemha.harness.sim.XapiSimServer;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Issue #7 item 3, HA-Lizard's XVM method (a lab pool whose hosts are VMs of one physical host): Tandem maps it onto
 * the real ClusterLabs {@code fence_xenapi}, which powers off the VM named for the host in {@code XVM.hosts} through
 * the physical host's XAPI — here the simulator playing that physical host — and reads its power state back.
 */
class XvmMethodTest {
  static final String PHYS = "9e0d1c2b-0000-4000-8000-0000000001a1";
  static final String XS1 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";
  static final String XS2 = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a02";
  static final String VM_XS1 = "9e0d1c2b-0001-4000-8000-0000000001b1";
  static final String VM_XS2 = "9e0d1c2b-0002-4000-8000-0000000001b2";
  static final String ADDR = "127.0.0.101";
  static final String PASSWORD = "phys-dom0-pw";

  @TempDir
  Path loc;

  @Test
  void xvmPowersOffTheNestedHostsVmThroughTheRealAgent() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/sbin/fence_xenapi"))) {
      fail("needs fence_xenapi: install the Debian package fence-agents (.ci/run does)");
    }
    SimPool phys = new SimPool(new SimPoolSpec("9e0d1c2b-0000-4000-8000-0000000000a0", "lab", List.of(
        new HostSpec(PHYS, "phys", ADDR)), PHYS, List.of(
        new VmSpec(VM_XS1, "nested-xs1", "Running", PHYS, Map.of(), 0, 0),
        new VmSpec(VM_XS2, "nested-xs2", "Running", PHYS, Map.of(), 1, 0)),
        Map.of(), "root", PASSWORD, Duration.ofMillis(200), Duration.ofMillis(200)));
    try (XapiSimServer server = new XapiSimServer(phys, 0)) {
      Files.createDirectories(loc.resolve("XVM"));
      Files.writeString(HaLizardMethods.hostsFile(loc, "XVM"), XS1 + ":" + VM_XS1 + "\n" + XS2 + ":" + VM_XS2 + "\n");
      var devices = HaLizardMethods.devices(new HaLizardMethods.Settings(loc, "XVM", Optional.empty(),
          Optional.of(PASSWORD), "http://" + ADDR + ":" + server.port(), Map.of()));
      FenceAgentsPort port = new FenceAgentsPort(devices, Duration.ofSeconds(30));

      assertEquals(PowerState.ON, port.status(new HostId(XS2)));
      assertEquals(PowerState.OFF, port.powerOff(new HostId(XS2)));
      assertEquals("Halted", phys.vmPowerState(VM_XS2));
      assertEquals("Running", phys.vmPowerState(VM_XS1), "only the named host's VM");

      var wrong = HaLizardMethods.devices(new HaLizardMethods.Settings(loc, "XVM", Optional.empty(),
          Optional.of("not-the-password"), "http://" + ADDR + ":" + server.port(), Map.of()));
      FenceDeviceError e = assertThrows(FenceDeviceError.class,
          () -> new FenceAgentsPort(wrong, Duration.ofSeconds(30)).powerOff(new HostId(XS1)));
      assertTrue(e.getMessage().contains("fence_xenapi"), e.getMessage());
      assertEquals("Running", phys.vmPowerState(VM_XS1), "a refused login changes nothing");
    }
  }
}
