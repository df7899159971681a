package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;

/**
 * Issue #4 item 6, halizard-behaviour §2.6–2.7: the slave xb loses power; the master's node fences it
 * (no delay: the master's side of a tie fences at once), tags it failed, resets its VMs and restarts the
 * HA ones on xa exactly once; the master role never moves.
 */
@Tag("cluster")
class SlavePowerLossTest {

  @Test
  void masterFencesTheSlaveAndRestartsItsHaVmsOnce(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XB);
      List<Vm> expected = haVmsOn(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XA, expected, t0));
      assertTrue(back, "xb's HA VMs not running again on xa within 60 s; xa journal: " + p.types(XA, t0));
      Thread.sleep(3000);   // a few more rounds: nothing else starts, nothing starts twice

      List<String> types = p.types(XA, t0);
      assertTrue(types.indexOf("SlaveLost") < types.indexOf("FenceConfirmed"), types.toString());
      assertTrue(types.indexOf("FenceConfirmed") < types.indexOf("VmPowerResetIssued")
          && types.indexOf("VmPowerResetIssued") < types.indexOf("VmRestartIssued"), "fenced before anything moved: " + types);
      assertFalse(types.contains("FenceDelayed"), "the master's side never waits: " + types);
      assertEquals(XA, p.cluster.pool.masterUuid());
      for (Vm v : expected) {
        assertEquals(XA, p.cluster.pool.vmResidentOnUuid(v.uuid()), v.name());
        assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      }
      assertEquals("Halted", p.cluster.pool.vmPowerState(VMS.get(5).uuid()), "HA-disabled scratch-b stays halted");
      assertEquals(0, p.cluster.pool.startCount(VMS.get(5).uuid()));
      for (Vm v : haVmsOn(XA)) assertEquals(0, p.cluster.pool.startCount(v.uuid()), v.name() + " was never touched");
      assertEquals("failed", p.cluster.pool.hostOtherConfig(XB).get(FIELD), "§2.7: the fenced slave is tagged failed");
      p.assertTheOneRuleHeld();
    }
  }
}
