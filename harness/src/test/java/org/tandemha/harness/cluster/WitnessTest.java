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
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #4 item 3 and 4: with a witness, a two-host pool has a real majority. The master loses power; xb
 * and the witness are 2 of 3 votes, so there is no tie, no heuristics and no fence delay: xb fences and
 * takes over at once.
 */
@Tag("cluster")
class WitnessTest {

  @Test
  void theMajorityWithTheWitnessTakesOverWithoutATieBreak(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 1)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XB, expected, t0));
      assertTrue(back, "takeover by xb did not complete; xb journal: " + p.types(XB, t0));

      JournalTimeline.Entry quorum = p.cluster.events(XB, "QuorumEvaluated", t0).get(0);
      assertTrue(quorum.event().path("quorate").asBoolean(), quorum.event().toString());
      assertEquals("2", quorum.text("votes"), quorum.event().toString());
      assertEquals("2", quorum.text("needed"), quorum.event().toString());
      assertTrue(quorum.text("sources").contains("witness"), quorum.event().toString());
      assertFalse(quorum.text("sources").contains("heuristics"), "no tie to break: " + quorum.event());
      assertFalse(p.journaled(XB, "FenceDelayed", t0), "a majority does not wait: " + p.types(XB, t0));
      assertEquals(XB, p.cluster.pool.masterUuid());
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();
    }
  }
}
