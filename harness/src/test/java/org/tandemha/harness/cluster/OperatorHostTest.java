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
 * Issue #9 host verbs, and DESIGN.md's third confirmation: with HA-Lizard's POOL method and no watchdog nothing can
 * confirm a lost slave gone, so the master takes nothing over — until an operator declares it dead, which Tandem
 * refuses while anything still reaches the host. Maintenance goes through host.disable/enable (never the master's);
 * resume is carried to the host's own node.
 */
@Tag("cluster")
class OperatorHostTest {
  static Cli.Run tandem(java.nio.file.Path socket, String... args) {
    return Cli.tandem(socket, args);
  }

  @Test
  void anOperatorDeclaresALostSlaveDeadOnlyWhenNothingReachesIt(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1, "tandem.fence.method = POOL\n")) {
      Path a = p.cluster.adminSocket(XA);
      Instant t0 = Instant.now();

      Cli.Run maint = tandem(a, "host", "maintenance", "enable", "xb");
      assertEquals(0, maint.rc(), maint.all());
      assertTrue(SimCluster.await(Duration.ofSeconds(5), () -> tandem(a, "host", "list").out().contains("no (maintenance)")));
      Cli.Run master = tandem(a, "host", "maintenance", "enable", XA);
      assertEquals(1, master.rc());
      assertTrue(master.err().contains("is the pool master"), master.err());
      assertEquals(0, tandem(a, "host", "maintenance", "disable", "xb").rc());
      assertEquals(2, tandem(a, "host", "maintenance", "enable", "xc").rc(), "no such host");

      Cli.Run resume = tandem(a, "host", "resume", "xb");
      assertEquals(1, resume.rc(), resume.all());
      assertTrue(resume.err().contains("not suspended on this host " + XB), "answered by xb's own node: " + resume.err());

      Cli.Run alive = tandem(a, "host", "declare-dead", "xb", "--yes");
      assertEquals(1, alive.rc(), alive.all());
      assertTrue(alive.err().contains("up and reachable"), alive.err());
      assertEquals(2, tandem(a, "host", "declare-dead", XA, "--yes").rc(), "never its own host");
      assertEquals(2, tandem(a, "host", "declare-dead", "xb").rc(), "no terminal to confirm on: --yes needed");

      p.cluster.powerLoss(XB);
      boolean judged = SimCluster.await(Duration.ofSeconds(30), () -> p.journaled(XA, "SlaveLost", t0));
      assertTrue(judged, "xa judged xb lost: " + p.types(XA, t0));
      Thread.sleep(2000);   // POOL without a watchdog confirms nothing: the takeover is refused
      List<Vm> expected = haVmsOn(XB);
      assertFalse(p.restartedBy(XA, expected, t0), "nothing taken over without a confirmation");

      Cli.Run declared = tandem(a, "host", "declare-dead", "xb", "--yes");
      assertEquals(0, declared.rc(), declared.all());
      assertTrue(declared.out().contains("DECLARED DEAD (journaled)"), declared.out());
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XA, expected, t0));
      if (!back) p.dumpLogs();
      assertTrue(back, "xa restarted xb's VMs after the declaration: " + p.types(XA, t0));
      assertTrue(p.journaled(XA, "OperatorDeclaredDead", t0), p.types(XA, t0).toString());
      assertFalse(p.journaled(XA, "FenceConfirmed", t0), "POOL confirmed nothing: " + p.types(XA, t0));
      assertTrue(p.cluster.events(XA, "OperatorDeclaredDead", t0).get(0).text("source").contains("via tandem host declare-dead"));
      p.assertTheOneRuleHeld();
    }
  }

  /** The case declare-dead is for: the master lost, POOL confirming nothing; the autopromote winner takes over. */
  @Test
  void theWinnerTakesOverADeadMasterOnAnOperatorsWord(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1, "tandem.fence.method = POOL\n")) {
      Path b = p.cluster.adminSocket(XB);
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      assertTrue(SimCluster.await(Duration.ofSeconds(30), () -> p.journaled(XB, "MasterLost", t0)),
          "xb judged the master lost: " + p.types(XB, t0));
      Thread.sleep(2000);
      assertFalse(p.journaled(XB, "PromotedToMaster", t0), "nothing taken over without a confirmation");

      Cli.Run wrongHost = tandem(p.cluster.adminSocket(XB), "host", "declare-dead", XB, "--yes");
      assertEquals(2, wrongHost.rc(), wrongHost.all());
      Cli.Run declared = null;
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < end) {   // a takeover attempt running now is left to end first
        declared = tandem(b, "host", "declare-dead", "xa", "--yes");
        if (declared.rc() == 0 || !declared.err().contains("is running now")) break;
        Thread.sleep(1000);
      }
      assertEquals(0, declared.rc(), declared.all());
      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(90), () -> p.restartedBy(XB, expected, t0));
      if (!back) p.dumpLogs();
      assertTrue(back, "xb took over and restarted xa's VMs: " + p.types(XB, t0));
      assertTrue(p.journaled(XB, "PromotedToMaster", t0), p.types(XB, t0).toString());
      assertEquals(XB, p.cluster.pool.masterUuid());
      p.assertTheOneRuleHeld();
    }
  }
}
