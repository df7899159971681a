package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;

/**
 * Issue #4 item 9 (halizard-behaviour §4.1, §2.3): a slave in XAPI maintenance (enabled=false) is never
 * chosen as autopromote winner and never fenced, even when it goes silent; a master left in maintenance
 * while pool HA is on is enabled again.
 */
@Tag("cluster")
class MaintenanceTest {

  @Test
  void hostsInMaintenanceAreNeverChosenNorFencedAndTheMasterIsEnabledAgain(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      p.cluster.pool.setHostEnabled(XA, false);
      assertTrue(SimCluster.await(Duration.ofSeconds(20), () -> p.cluster.pool.hostEnabled(XA)),
          "the master was not enabled again");
      assertTrue(p.cluster.logContains(XA, "enabling it again"));

      Instant t0 = Instant.now();
      p.cluster.pool.setHostEnabled(XB, false);
      assertTrue(SimCluster.await(Duration.ofSeconds(20),
          () -> "none_available".equals(p.cluster.pool.poolOtherConfig().get("autopromote_uuid"))),
          "a host in maintenance stays winner: " + p.cluster.pool.poolOtherConfig());
      p.cluster.powerLoss(XB);
      Thread.sleep(10_000);
      assertFalse(p.journaled(XA, "FenceRequested", t0), "a host in maintenance is never fenced: " + p.types(XA, t0));
      assertFalse(p.journaled(XA, "VmRestartIssued", t0), "nothing of it moves: " + p.types(XA, t0));
      assertEquals(XA, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();
    }
  }
}
