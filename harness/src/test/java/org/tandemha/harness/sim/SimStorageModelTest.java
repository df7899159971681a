package org.tandemha.harness.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.sim.SimLab.*;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandemha.actors.port.StoragePort;
import org.tandemha.harness.SimStorage;
import org.tandemha.protocol.HostId;

/**
 * The simulated replicated storage as a node drives it (harness SimStorage over the control endpoint): DRBD 9 without
 * quorum — a connected Primary refuses a second one, a cut link does not — a split brain found on reconnecting, the
 * documented resolution, and the safety record noting two Primaries or two floating-IP owners. Also the fault verbs
 * scenarios added with it: a lying power switch and a stepped clock.
 */
class SimStorageModelTest {
  private SimLab lab;
  private SimControlServer control;
  private StoragePort a;
  private StoragePort b;

  @BeforeEach
  void start() throws Exception {
    lab = SimLab.start();
    lab.pool.powerOff(HOST_C);   // a two-host DRBD pair, as iSCSI-HA has it
    control = new SimControlServer(lab.pool, 0);
    URI base = URI.create("http://127.0.0.1:" + control.port() + "/");
    a = new SimStorage(base, new HostId(HOST_A), Duration.ofSeconds(5));
    b = new SimStorage(base, new HostId(HOST_B), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    if (control != null) control.close();
    if (lab != null) lab.close();
  }

  private static void serve(StoragePort p) {
    p.promote("r0");
    p.startTarget();
    p.addFloatingIp();
  }

  @Test
  void aConnectedPrimaryRefusesASecondAndReadsAsDrbdWouldShowIt() {
    serve(a);
    StoragePort.Resource ra = a.observe().resources().get(0);
    StoragePort.Resource rb = b.observe().resources().get(0);
    assertTrue(ra.primary());
    assertEquals("Primary", rb.peerRole());
    assertEquals("Connecting", rb.connection(), "C is powered off: not every peer is connected");
    lab.pool.powerOn(HOST_C);
    assertEquals("Connected", b.observe().resources().get(0).connection());
    var refused = assertThrows(StoragePort.StorageError.class, () -> b.promote("r0"));
    assertTrue(refused.getMessage().contains("Multiple primaries not allowed"), refused.getMessage());
    var held = assertThrows(StoragePort.StorageError.class, () -> a.demote("r0"));
    assertTrue(held.getMessage().contains("held open"), held.getMessage());
    assertTrue(b.floatingIpAnswersElsewhere());
    assertEquals(HOST_A, lab.pool.storageServer());
    assertEquals(List.of(), lab.pool.safetyBreaches());
  }

  @Test
  void twoPrimariesAcrossACutLinkAreABreachAndASplitBrainOnReconnect() {
    serve(a);
    lab.pool.setStorageLink(false);
    assertEquals("Unknown", b.observe().resources().get(0).peerRole());
    b.promote("r0");   // DRBD without quorum lets it: Tandem must not
    b.addFloatingIp();
    List<String> breaches = lab.pool.safetyBreaches();
    assertTrue(breaches.stream().anyMatch(x -> x.contains("two DRBD Primaries at once")), breaches.toString());
    assertTrue(breaches.stream().anyMatch(x -> x.contains("two owners of the floating IP at once")), breaches.toString());
    lab.pool.setStorageLink(true);
    StoragePort.Resource rb = b.observe().resources().get(0);
    assertTrue(rb.splitBrain());
    assertEquals("StandAlone", rb.connection());
    a.stopTarget();
    a.removeFloatingIp();
    a.resolveSplitBrain("r0", false);
    b.resolveSplitBrain("r0", true);
    assertFalse(a.observe().resources().get(0).splitBrain());
    assertFalse(a.observe().resources().get(0).primary(), "the victim is Secondary, its changes discarded");
  }

  @Test
  void aPrimaryThatLosesPowerLeavesNoSplitBrainBehind() {
    serve(a);
    lab.pool.powerOff(HOST_A);
    b.promote("r0");   // the peer is confirmed off: a clean takeover
    lab.pool.powerOn(HOST_A);
    StoragePort.Resource ra = a.observe().resources().get(0);
    assertFalse(ra.primary(), "DRBD comes up Secondary at boot");
    assertFalse(ra.splitBrain());
    assertEquals("Primary", ra.peerRole());
    assertEquals(List.of(), lab.pool.safetyBreaches());
  }

  @Test
  void aLyingSwitchSaysOffAndCutsNothing() throws Exception {
    lab.pool.setPowerSwitchLying(HOST_B, true);
    var fence = new org.tandemha.harness.SimPowerFence(URI.create("http://127.0.0.1:" + control.port() + "/"),
        Duration.ofSeconds(5));
    assertEquals(org.tandemha.protocol.PowerState.OFF, fence.powerOff(new HostId(HOST_B)));
    assertEquals(org.tandemha.protocol.PowerState.OFF, fence.status(new HostId(HOST_B)));
    assertTrue(lab.pool.isPoweredOn(HOST_B));
    lab.pool.setPowerSwitchLying(HOST_B, false);
    assertEquals(org.tandemha.protocol.PowerState.ON, fence.status(new HostId(HOST_B)));
  }

  @Test
  void aClockStepTravelsWithTheLinksAndAddsUp() {
    lab.pool.jumpClock(HOST_B, Duration.ofSeconds(-90));
    lab.pool.jumpClock(HOST_B, Duration.ofSeconds(30));
    assertTrue(lab.pool.cutFrom(HOST_B).contains(SimPool.CLOCK_OFFSET + "-60000"), lab.pool.cutFrom(HOST_B).toString());
    lab.pool.jumpClock(HOST_B, Duration.ofSeconds(60));
    assertEquals(java.util.Set.of(), lab.pool.cutFrom(HOST_B));
  }
}
