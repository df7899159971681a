package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;

/**
 * Issue #4 item 11 (closes halizard-behaviour §10.1.3): the master xa is cut from everything — xb, the
 * witness and the gateway — while its management link stays "up", and its power switch is unreachable too.
 * xb with the witness is the majority but cannot fence xa, so it takes nothing over. xa, without quorum for
 * MGT_LINK_LOSS_TOLERANCE while a majority may exist elsewhere, journals IsolationHardStop and destroys its
 * guests itself, and starts nothing again. When the switch answers, xb fences xa and restarts the HA VMs.
 */
@Tag("cluster")
class IsolatedMasterTest {

  @Test
  void anIsolatedMasterStopsItsGuestsAndTheMajorityTakesOverOnceItCanFence(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1)) {
      Instant t0 = Instant.now();
      p.cluster.pool.setPowerSwitchWorking(XA, false);
      p.cluster.pool.isolate(XA);
      boolean stopped = SimCluster.await(Duration.ofSeconds(45), () -> p.journaled(XA, "IsolationHardStop", t0)
          && p.cluster.pool.domainsOn(XA).isEmpty() && p.journaled(XB, "FenceFailed", t0));
      assertTrue(stopped, "xa did not hard-stop its guests, or xb did not try to fence; xa " + p.types(XA, t0)
          + " xb " + p.types(XB, t0));
      Thread.sleep(4000);
      assertEquals(Set.of(), p.cluster.pool.domainsOn(XA), "xa starts nothing again without quorum");
      assertFalse(p.journaled(XA, "VmRestartIssued", t0), "no starts without quorum: " + p.types(XA, t0));
      assertFalse(p.journaled(XB, "TakeoverStarted", t0), "no takeover without a confirmed fence: " + p.types(XB, t0));
      assertEquals(XA, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();

      // The switch answers again: xb, judging again, fences xa and takes over.
      p.cluster.pool.setPowerSwitchWorking(XA, true);
      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(90), () -> XB.equals(p.cluster.pool.masterUuid())
          && p.cluster.events(XB, "VmRestarted", t0).size() >= expected.size() && expected.stream().allMatch(p::running));
      assertTrue(back, "xb did not take over once it could fence; xb " + p.types(XB, t0));
      for (Vm v : expected) assertEquals(XB, p.cluster.pool.vmResidentOnUuid(v.uuid()), v.name());
      p.assertTheOneRuleHeld();
    }
  }
}
