package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * Issue #4 item 5: every takeover step is journaled before it runs and is idempotent if repeated after a
 * crash. The winner's node is killed (SIGKILL) right after it journaled TakeoverStarted — after the fence,
 * in the middle of the emergency transition — and started again: it reads the unfinished takeover from its
 * journal and completes it (TakeoverPlan), without fencing again and without starting anything twice. The
 * witness keeps the cluster alive for the restarted node to join.
 */
@Tag("cluster")
class TakeoverResumeTest {

  @Test
  void aTakeoverInterruptedByACrashIsCompletedAfterTheRestart(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      boolean started = SimCluster.await(Duration.ofSeconds(45), () -> p.journaled(XB, "TakeoverStarted", t0));
      assertTrue(started, "xb did not start the takeover; xb " + p.types(XB, t0));
      p.cluster.killNode(XB);
      Instant t1 = Instant.now();
      p.cluster.say("xb's node killed after TakeoverStarted; journal so far %s", p.types(XB, t0));
      p.cluster.startNode(XB);

      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.journaled(XB, "TakeoverFinished", t1)
          && expected.stream().allMatch(p::running));
      assertTrue(back, "the takeover was not completed after the restart; xb " + p.types(XB, t0));
      Thread.sleep(3000);
      assertTrue(p.cluster.logContains(XB, "resuming an unfinished"), "the restarted node said it resumed");
      assertEquals(1, p.cluster.events(XB, "FenceConfirmed", t0).size(), "fenced once: " + p.types(XB, t0));
      assertEquals(XB, p.cluster.pool.masterUuid());
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();
    }
  }
}
