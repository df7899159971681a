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
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #5 item 4: the slave xb dies; xa, the only host left, is where its VMs must start, and the first
 * start of each fails (an injected XAPI error). Every eligible host having failed, each VM gives up for now
 * — journaled, with the next try 10 s later — and then starts once.
 */
@Tag("cluster")
class RestartBackoffTest {

  @Test
  void aVmThatFailedOnEveryHostBacksOffAndThenStarts(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    try (TwoHostPool p = TwoHostPool.start(run, 0)) {
      p.cluster.pool.failCall(XA, "VM.start_on", 2, "SR_BACKEND_FAILURE", "", "disk not ready", "");
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XB);
      List<Vm> expected = haVmsOn(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.restartedBy(XA, expected, t0));
      assertTrue(back, "xb's VMs not back within 60 s; xa " + p.types(XA, t0));
      List<JournalTimeline.Entry> failed = p.cluster.events(XA, "VmRestartFailed", t0);
      assertTrue(failed.stream().anyMatch(e -> e.text("error").contains("SR_BACKEND_FAILURE")), failed.toString());
      assertTrue(failed.stream().anyMatch(e -> e.text("error").contains("gave up for now")
          && e.text("error").contains("next try in 10 s")), failed.toString());
      Instant gaveUp = failed.stream().map(JournalTimeline::atOf).max(Instant::compareTo).get();
      Instant started = p.cluster.events(XA, "VmRestarted", t0).stream().map(JournalTimeline::atOf)
          .min(Instant::compareTo).get();
      assertTrue(Duration.between(gaveUp, started).toMillis() >= 9000, "backed off: gave up " + gaveUp + ", started "
          + started);
      for (Vm v : expected) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started once");
      p.assertTheOneRuleHeld();
    }
  }
}
