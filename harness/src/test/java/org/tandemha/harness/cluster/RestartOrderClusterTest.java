package org.tandemha.harness.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tandemha.harness.cluster.TwoHostPool.*;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.harness.SimCluster;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * Issue #5 item 3 (closes halizard-behaviour §10.3's start-order and parallel-recovery asks): 20 HA VMs on
 * the master, in 3 priority classes ({@code tandem-priority} 0, 1, 2), each start taking 1 s (start_delay).
 * After the master's power loss the survivor starts them class by class — no VM of a class before every VM
 * of the earlier classes is running — and never more than the concurrency limit (4) at once.
 */
@Tag("cluster")
class RestartOrderClusterTest {

  @Test
  void twentyVmsComeBackClassByClassWithinTheConcurrencyLimit(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    List<Vm> vms = new ArrayList<>();
    List<VmSpec> specs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String uuid = String.format("c0e1c2d3-%04d-4000-8000-0000000c0f%02d", i, i);
      int cls = i % 3;
      vms.add(new Vm(uuid, "vm-" + i + "-p" + cls, XA, true));
      specs.add(new VmSpec(uuid, "vm-" + i + "-p" + cls, "Running", XA,
          Map.of(FIELD, "true", "tandem-priority", String.valueOf(cls)), 0, 1));
    }
    SimPoolSpec spec = new SimPoolSpec(POOL, "restart-order-pool",
        List.of(new HostSpec(XA, "xa", ADDR_A), new HostSpec(XB, "xb", ADDR_B)), XA, specs,
        Map.of(FIELD, "true"), "root", "cluster-test-password", Duration.ofMillis(500), Duration.ofMillis(500));
    try (TwoHostPool p = TwoHostPool.start(run, 0, "", spec, vms)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XA);
      boolean back = SimCluster.await(Duration.ofSeconds(120), () -> vms.stream().allMatch(p::running)
          && p.cluster.events(XB, "VmRestarted", t0).size() >= 20);
      assertTrue(back, "not all 20 VMs back within 120 s; xb " + p.types(XB, t0));
      assertTrue(p.cluster.pool.maxConcurrentStarts() <= 4, "at most 4 starts at once, saw "
          + p.cluster.pool.maxConcurrentStarts());
      assertTrue(p.cluster.pool.maxConcurrentStarts() >= 2, "starts of one class run in parallel");
      for (int cls = 1; cls < 3; cls++) {
        int c = cls;
        Instant firstOfClass = vms.stream().filter(v -> v.name().endsWith("-p" + c))
            .map(v -> p.cluster.pool.vmLastStartedAt(v.uuid())).min(Instant::compareTo).get();
        Instant lastOfEarlier = vms.stream().filter(v -> Integer.parseInt(v.name().substring(v.name().length() - 1)) < c)
            .map(v -> p.cluster.pool.vmLastStartedAt(v.uuid())).max(Instant::compareTo).get();
        assertTrue(firstOfClass.isAfter(lastOfEarlier.plusMillis(900)),
            "class " + c + " began at " + firstOfClass + " before the earlier classes were running (" + lastOfEarlier + ")");
      }
      for (Vm v : vms) assertEquals(1, p.cluster.pool.startCount(v.uuid()), v.name() + " started exactly once");
      p.assertTheOneRuleHeld();
    }
  }
}
