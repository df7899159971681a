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
 * Issue #4 item 4 (closes halizard-behaviour §10.1.2): a symmetric partition of a two-host pool without a
 * witness — cluster links, XAPI and ping between the hosts are cut, and both still reach the heuristics
 * address, so both sides are "quorate" by the tie-break. The fence decides, never both sides: the master
 * fences at once, the slave waits FENCE_DELAY_SLAVE and is off before it could act. One master, no VM twice.
 */
@Tag("cluster")
class PartitionTest {

  @Test
  void theMastersSideWinsASymmetricPartition(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      Instant t0 = Instant.now();
      p.cluster.pool.partition(XA, XB);
      List<Vm> expected = haVmsOn(XB);
      boolean settled = SimCluster.await(Duration.ofSeconds(60), () -> !p.cluster.pool.isPoweredOn(XB)
          && p.restartedBy(XA, expected, t0));
      assertTrue(settled, "xa did not fence xb and restart its VMs; xa: " + p.types(XA, t0) + " xb: " + p.types(XB, t0));
      Thread.sleep(6000);   // longer than FENCE_DELAY_SLAVE: had xb survived, it would have acted by now

      List<String> a = p.types(XA, t0);
      List<String> b = p.types(XB, t0);
      assertTrue(a.contains("FenceConfirmed") && !a.contains("FenceDelayed"), "the master fences at once: " + a);
      // xb was either still judging (probes, quorum, channels) or waiting out FENCE_DELAY_SLAVE when it went off.
      p.cluster.say("xb's side when it went off: %s", b);
      for (String type : new String[] {"FenceRequested", "TakeoverStarted", "PromotedToMaster"}) {
        assertFalse(b.contains(type), "the slave's side was off before it could " + type + ": " + b);
      }
      assertFalse(p.cluster.nodeAlive(XB), "xb's node went down with its host");
      assertEquals(XA, p.cluster.pool.masterUuid());
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();

      // The cable is mended and xb boots: it rejoins as a slave, and nothing moves again.
      Instant t1 = Instant.now();
      p.cluster.pool.heal();
      p.cluster.pool.powerOn(XB);
      p.cluster.startNode(XB);
      assertTrue(SimCluster.await(Duration.ofSeconds(60), () -> p.cluster.logContains(XA, "rejoined after its fence")),
          "xb did not rejoin; see " + run);
      Thread.sleep(3000);
      assertFalse(p.journaled(XB, "FenceRequested", t1) || p.journaled(XA, "FenceRequested", t1),
          "no fence after the heal: xa " + p.types(XA, t1) + " xb " + p.types(XB, t1));
      assertEquals(XA, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();
    }
  }
}
