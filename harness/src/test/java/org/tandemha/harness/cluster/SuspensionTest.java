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
 * Issue #4 item 7 (closes halizard-behaviour §3.4's suspended-winner bug and §3.7's reboot loop): the
 * winner xb is isolated — from xa, the witness and the gateway. It has 1 of 3 votes and cannot fence the
 * master, so it journals Suspended and fences itself once; xa with the witness is the majority and
 * recovers xb's VMs. xb boots again and its node restarts: the suspension is read back from the journal,
 * and when the master then dies, xb — though now quorate with the witness — does not promote. Only the
 * master's "healthy" tag ends the suspension.
 */
@Tag("cluster")
class SuspensionTest {

  @Test
  void aSuspendedWinnerNeverPromotesUntilTheMasterClearsIt(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1)) {
      Instant t0 = Instant.now();
      // xb's power switch sits on the network it lost too: xa cannot fence it, so xb's own judgment counts.
      p.cluster.pool.setPowerSwitchWorking(XB, false);
      p.cluster.pool.isolate(XB);
      boolean suspended = SimCluster.await(Duration.ofSeconds(60), () -> p.journaled(XB, "Suspended", t0)
          && !p.cluster.pool.isPoweredOn(XB) && !p.cluster.nodeAlive(XB) && p.journaled(XA, "FenceFailed", t0));
      assertTrue(suspended, "xb did not suspend and fence itself, or xa's fence did not fail; xa " + p.types(XA, t0) + " xb " + p.types(XB, t0));
      assertFalse(p.journaled(XA, "VmRestartIssued", t0), "nothing of xb moved without a fence: " + p.types(XA, t0));
      // The switch answers again: xa, judging again, confirms xb off and recovers its VMs.
      p.cluster.pool.setPowerSwitchWorking(XB, true);
      boolean recovered = SimCluster.await(Duration.ofSeconds(60), () -> haVmsOn(XB).stream().allMatch(p::running)
          && "failed".equals(p.cluster.pool.hostOtherConfig(XB).get(FIELD)));
      assertTrue(recovered, "xa did not recover xb's VMs once it could fence; xa " + p.types(XA, t0));
      assertFalse(p.journaled(XB, "FenceRequested", t0), "a winner without quorum never fences: " + p.types(XB, t0));

      // xb boots, rejoins; the master cannot write tags for now (its xapi refuses the other-config call),
      // so nothing clears the suspension.
      p.cluster.pool.failCall(XA, "host.add_to_other_config", 1000, "INTERNAL_ERROR", "injected by SuspensionTest");
      p.cluster.pool.heal();
      p.cluster.pool.powerOn(XB);
      Instant t1 = Instant.now();
      p.cluster.startNode(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.cluster.logContains(XB, "(as last journaled)")
          && p.cluster.logContains(XA, "rejoined after its fence") && p.cluster.logContains(XB, "is pool slave")
          && p.cluster.events(XB, "AutopromoteWinnerChosen", t1).stream().anyMatch(e -> e.text("winner").contains(XB)));
      assertTrue(back, "xb's node did not come back suspended and seen by xa; see " + run);
      Thread.sleep(3000);
      assertTrue(p.cluster.nodeAlive(XB), "no reboot loop: the suspended host fences itself once, not at every start");
      assertEquals(1, p.cluster.events(XB, "Suspended", t0).size(), p.types(XB, t0).toString());

      // Now the master dies. xb and the witness are 2 of 3: quorate, yet suspended, so it stands by.
      Instant t2 = Instant.now();
      p.cluster.powerLoss(XA);
      boolean judged = SimCluster.await(Duration.ofSeconds(45), () -> p.journaled(XB, "TakeoverRefused", t2));
      assertTrue(judged, "xb did not judge the master's loss; xb " + p.types(XB, t2));
      Thread.sleep(3000);
      assertTrue(p.cluster.events(XB, "TakeoverRefused", t2).get(0).text("reason").contains("suspended"),
          p.cluster.events(XB, "TakeoverRefused", t2).toString());
      for (String type : new String[] {"FenceRequested", "TakeoverStarted", "PromotedToMaster"}) {
        assertFalse(p.journaled(XB, type, t1), "a suspended host must not " + type + ": " + p.types(XB, t1));
      }
      assertFalse(p.cluster.pool.hostRole(XB).master());

      // The master comes back and tags xb healthy: the suspension ends, journaled.
      p.cluster.pool.clearInjectedFaults();
      p.cluster.pool.powerOn(XA);
      p.cluster.startNode(XA);
      boolean cleared = SimCluster.await(Duration.ofSeconds(60), () -> p.journaled(XB, "SuspensionCleared", t2));
      assertTrue(cleared, "the master's healthy tag did not clear xb's suspension; xb " + p.types(XB, t2));
      assertEquals(XA, p.cluster.pool.masterUuid());
      List<String> breaches = p.cluster.pool.safetyBreaches();
      assertEquals(List.of(), breaches);
    }
  }
}
