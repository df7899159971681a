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
 * Issue #4 item 7, halizard-behaviour §2.5 (FENCE_REBOOT_LONE_HOST=1): the master xa loses its network —
 * xb and the heuristics gateway. It sees no slave and has no quorum, so it fences nobody and reboots once,
 * journaled first. xb, quorate through the heuristics, fences it and takes over. When xa boots again with
 * the network back it is xb's slave, does not reboot again, and clears its mark once it sees xb.
 */
@Tag("cluster")
class LoneMasterTest {

  @Test
  void aLoneMasterWithoutQuorumRebootsOnceAndTheSurvivorTakesOver(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0, "tandem.ha.fence-reboot-lone-host = 1")) {
      Instant t0 = Instant.now();
      p.cluster.pool.partition(XA, XB);
      p.cluster.pool.cut(XA, "gateway", true);
      List<Vm> expected = haVmsOn(XA);
      boolean over = SimCluster.await(Duration.ofSeconds(60), () -> p.journaled(XA, "LoneMasterReboot", t0)
          && XB.equals(p.cluster.pool.masterUuid()) && p.cluster.events(XB, "VmRestarted", t0).size() >= expected.size());
      assertTrue(over, "xa did not reboot as a lone master, or xb did not take over; xa " + p.types(XA, t0) + " xb "
          + p.types(XB, t0));
      assertFalse(p.journaled(XA, "FenceRequested", t0), "a lone master fences nobody: " + p.types(XA, t0));
      assertFalse(p.cluster.pool.isPoweredOn(XA));
      assertEquals(1, p.cluster.events(XA, "LoneMasterReboot", t0).size());
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();

      // The network is back and xa boots: xb's slave now; it remembers the reboot and clears it on seeing xb.
      Instant t1 = Instant.now();
      p.cluster.pool.heal();
      p.cluster.pool.powerOn(XA);
      p.cluster.startNode(XA);
      boolean cleared = SimCluster.await(Duration.ofSeconds(60), () -> p.journaled(XA, "LoneMasterRebootCleared", t1));
      assertTrue(cleared, "xa did not clear its lone-master mark; xa " + p.types(XA, t1));
      assertTrue(p.cluster.logContains(XA, "rebooted once already"), "the mark was read back after the restart");
      assertEquals(1, p.cluster.events(XA, "LoneMasterReboot", t0).size(), "no second reboot");
      assertEquals(XB, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();
    }
  }
}
