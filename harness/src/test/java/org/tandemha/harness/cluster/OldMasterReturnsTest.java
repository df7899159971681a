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
 * Issue #4 item 8 (closes halizard-behaviour §10.1.4): after xb took over from a dead xa, xa is powered on
 * again and its node restarts. Its xapi finds xb answering as master and becomes its slave; its node
 * follows the pool, not its memory: it never acts as master, fences nobody, starts nothing.
 */
@Tag("cluster")
class OldMasterReturnsTest {

  @Test
  void theOldMasterComesBackAsASlave(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XB, expected, t0));
      assertTrue(back, "takeover by xb did not complete; xb journal: " + p.types(XB, t0));

      Instant t1 = Instant.now();
      p.cluster.pool.powerOn(XA);
      p.cluster.startNode(XA);
      boolean rejoined = SimCluster.await(Duration.ofSeconds(60), () -> p.cluster.logContains(XA, "is pool slave")
          && p.cluster.logContains(XB, "rejoined after its fence"));
      assertTrue(rejoined, "xa's node did not come back as a slave seen by xb; see " + run);
      Thread.sleep(5000);

      assertEquals(XB, p.cluster.pool.masterUuid());
      assertFalse(p.cluster.pool.hostRole(XA).master(), "xa's xapi demoted itself");
      for (String type : new String[] {"FenceRequested", "TakeoverStarted", "SlaveLost", "VmRestartIssued"}) {
        assertFalse(p.journaled(XA, type, t1), "the returning old master must not " + type + ": " + p.types(XA, t1));
      }
      assertFalse(p.journaled(XB, "FenceRequested", t1), "xb has no reason to fence xa again: " + p.types(XB, t1));
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();
    }
  }
}
