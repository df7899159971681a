package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.demo.JournalTimeline;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * Issue #5 item 1 (halizard-behaviour §4.3): a VM whose XenCenter field is neither true nor false is reported
 * (journaled, logged) and never acted on; a VM with an unreadable {@code tandem-priority} is reported and still
 * restarted, in the class of its XAPI order.
 */
@Tag("cluster")
class InvalidSettingsTest {
  static final Vm GOOD = new Vm("d0e1c2d3-0001-4000-8000-0000000c0f01", "good", XB, true);
  static final Vm ODD_PRIORITY = new Vm("d0e1c2d3-0002-4000-8000-0000000c0f02", "odd-priority", XB, true);
  static final Vm ODD_FLAG = new Vm("d0e1c2d3-0003-4000-8000-0000000c0f03", "odd-flag", XB, false);

  @Test
  void invalidSettingsAreReportedAndAnInvalidFlagIsNeverActedOn(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run)
      throws Exception {
    SimPoolSpec spec = new SimPoolSpec(POOL, "invalid-settings-pool",
        List.of(new HostSpec(XA, "xa", ADDR_A), new HostSpec(XB, "xb", ADDR_B)), XA, List.of(
            new VmSpec(GOOD.uuid(), GOOD.name(), "Running", XB, Map.of(FIELD, "true"), 0, 0),
            new VmSpec(ODD_PRIORITY.uuid(), ODD_PRIORITY.name(), "Running", XB,
                Map.of(FIELD, "true", "tandem-priority", "high"), 0, 0),
            new VmSpec(ODD_FLAG.uuid(), ODD_FLAG.name(), "Running", XB, Map.of(FIELD, "yes"), 0, 0)),
        Map.of(FIELD, "true"), "root", "cluster-test-password", Duration.ofMillis(500), Duration.ofMillis(500));
    try (TwoHostPool p = TwoHostPool.start(run, 0, "", spec, List.of(GOOD, ODD_PRIORITY, ODD_FLAG))) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> p.running(GOOD) && p.running(ODD_PRIORITY)
          && p.cluster.events(XA, "VmRestarted", t0).size() >= 2);
      assertTrue(back, "the valid VMs did not come back; xa " + p.types(XA, t0));
      Thread.sleep(3000);
      List<JournalTimeline.Entry> invalid = p.cluster.events(XA, "VmSettingInvalid", Instant.EPOCH);
      assertTrue(invalid.stream().anyMatch(e -> e.text("name").equals("odd-flag") && e.text("value").equals("yes")),
          invalid.toString());
      assertTrue(invalid.stream().anyMatch(e -> e.text("name").equals("odd-priority")
          && e.text("setting").equals("tandem-priority")), invalid.toString());
      assertEquals(1, invalid.stream().filter(e -> e.text("name").equals("odd-flag")).count(), "reported once");
      assertEquals("Halted", p.cluster.pool.vmPowerState(ODD_FLAG.uuid()), "an invalid flag is never acted on");
      assertEquals(0, p.cluster.pool.startCount(ODD_FLAG.uuid()));
      p.assertTheOneRuleHeld();
    }
  }
}
