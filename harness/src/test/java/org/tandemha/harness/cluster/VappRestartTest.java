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
import org.tandemha.harness.sim.ApplianceSpec;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * Issue #5 item 2 (OP_MODE=1, closes halizard-behaviour §4.2's one-vApp bug): two vApps and a disabled one run
 * on the slave xb, next to a VM in no vApp. After xb's power loss the master xa declares the fenced xb dead in
 * XAPI (so XAPI places nothing on it) and starts both vApps through VM_appliance.start: each vApp's members come
 * up in its own order, one start_delay apart; the vApp in DISABLED_VAPPS and the loose VM stay halted. When xb
 * is back and its node rejoins, xa enables it again.
 */
@Tag("cluster")
class VappRestartTest {
  static final String SHOP = "a0a0a0a0-0001-4000-8000-00000000a001";
  static final String CRM = "a0a0a0a0-0002-4000-8000-00000000a002";
  static final String LAB = "a0a0a0a0-0003-4000-8000-00000000a003";

  @Test
  void vappsRestartAsUnitsInTheirOwnOrder(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path run) throws Exception {
    List<Vm> shop = List.of(vm(1, "shop-db"), vm(2, "shop-app"), vm(3, "shop-web"));
    List<Vm> crm = List.of(vm(4, "crm-db"), vm(5, "crm-app"));
    Vm lab = new Vm(uuid(6), "lab-1", XB, false);
    Vm loose = new Vm(uuid(7), "loose-1", XB, false);
    List<VmSpec> specs = new ArrayList<>();
    for (List<Vm> app : List.of(shop, crm)) {
      for (int i = 0; i < app.size(); i++) {
        specs.add(new VmSpec(app.get(i).uuid(), app.get(i).name(), "Running", XB, Map.of(), i, 1));
      }
    }
    specs.add(new VmSpec(lab.uuid(), lab.name(), "Running", XB, Map.of(), 0, 0));
    specs.add(new VmSpec(loose.uuid(), loose.name(), "Running", XB, Map.of(FIELD, "true"), 0, 0));
    SimPoolSpec spec = new SimPoolSpec(POOL, "vapp-pool",
        List.of(new HostSpec(XA, "xa", ADDR_A), new HostSpec(XB, "xb", ADDR_B)), XA, specs,
        Map.of(FIELD, "true"), "root", "cluster-test-password", Duration.ofMillis(500), Duration.ofMillis(500),
        Duration.ZERO, List.of(new ApplianceSpec(SHOP, "shop", shop.stream().map(Vm::uuid).toList()),
            new ApplianceSpec(CRM, "crm", crm.stream().map(Vm::uuid).toList()),
            new ApplianceSpec(LAB, "lab", List.of(lab.uuid()))));
    List<Vm> managed = new ArrayList<>(shop);
    managed.addAll(crm);
    String config = "tandem.ha.op-mode = 1\ntandem.ha.disabled-vapps = \"" + LAB + "\"\n";
    try (TwoHostPool p = TwoHostPool.start(run, 0, config, spec, managed)) {
      Instant t0 = Instant.now();
      p.cluster.powerLoss(XB);
      boolean back = SimCluster.await(Duration.ofSeconds(60), () -> managed.stream().allMatch(p::running)
          && p.cluster.events(XA, "VappStarted", t0).size() >= 2);
      assertTrue(back, "the vApps are not back within 60 s; xa " + p.types(XA, t0));
      assertTrue(p.journaled(XA, "HostDeclaredDead", t0), "xb declared dead before XAPI placed members");
      assertEquals(2, p.cluster.events(XA, "VappStartIssued", t0).size(), "one start per vApp");
      for (List<Vm> app : List.of(shop, crm)) {
        for (int i = 1; i < app.size(); i++) {
          Instant before = p.cluster.pool.vmLastStartedAt(app.get(i - 1).uuid());
          Instant after = p.cluster.pool.vmLastStartedAt(app.get(i).uuid());
          assertTrue(after.isAfter(before.plusMillis(900)), app.get(i).name() + " started at " + after
              + ", less than its predecessor's start_delay after " + app.get(i - 1).name() + " (" + before + ")");
        }
      }
      for (Vm v : managed) assertEquals(XA, p.cluster.pool.vmResidentOnUuid(v.uuid()), v.name() + " on xa");
      Thread.sleep(2000);
      assertEquals("Halted", p.cluster.pool.vmPowerState(lab.uuid()), "the disabled vApp is left alone");
      assertEquals("Halted", p.cluster.pool.vmPowerState(loose.uuid()), "OP_MODE=1 manages vApps only");
      assertTrue(!p.cluster.pool.hostEnabled(XB), "xb declared dead: disabled in XAPI");

      Instant t1 = Instant.now();
      p.cluster.pool.powerOn(XB);
      p.cluster.startNode(XB);
      boolean enabled = SimCluster.await(Duration.ofSeconds(60), () -> p.cluster.pool.hostEnabled(XB));
      assertTrue(enabled, "xb enabled again after it rejoined; xa " + p.types(XA, t1));
      assertTrue(p.journaled(XA, "HostReEnabled", t1));
      p.assertTheOneRuleHeld();
    }
  }

  static String uuid(int i) {
    return String.format("d0e1c2d3-%04d-4000-8000-0000000c0e%02d", i, i);
  }

  static Vm vm(int i, String name) {
    return new Vm(uuid(i), name, XB, true);
  }
}
