package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.fencing.lab.LabBmc;
import org.tandemha.harness.SimBmcs;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;

/**
 * Issue #7's harness acceptance: the nodes fence through the ClusterLabs adapter — the real {@code fence_ipmilan}
 * talking IPMI to one {@code ipmi_sim} BMC per simulated host, whose chassis power is the simulator's — and after
 * the master's power loss the takeover completes, its fence confirmed by the BMC's read-back.
 */
@Tag("cluster")
class MasterPowerLossIpmiTest {

  @Test
  void theTakeoverCompletesWithFenceAgentsAgainstSimulatedBmcs(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    if (!LabBmc.available() || !Files.isExecutable(Path.of("/usr/sbin/fence_ipmilan"))) {
      fail("needs ipmi_sim (openipmi) and fence_ipmilan (fence-agents); .ci/run installs both");
    }
    try (SimBmcs bmcs = new SimBmcs(run.resolve("bmc"), List.of(XA, XB));
         TwoHostPool p = TwoHostPool.start(run, 0, bmcs.nodeConfig())) {
      bmcs.pointAt(p.cluster.controlPort());
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      List<Vm> expected = haVmsOn(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(90), () -> p.restartedBy(XB, expected, t0));
      if (!back) p.dumpLogs();
      assertTrue(back, "xa's VMs not back on xb within 90 s; xb " + p.types(XB, t0));
      List<JournalTimeline.Entry> fenced = p.cluster.events(XB, "FenceConfirmed", t0);
      assertTrue(fenced.stream().anyMatch(e -> e.text("device").contains("fence_ipmilan")), fenced.toString());
      p.assertTheOneRuleHeld();
    }
  }
}
