package org.tandemha.harness.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;

/**
 * The demo's two-host pool with GLOBAL_VM_HA=0: on the master four running HA-enabled VMs, one running
 * VM with HA disabled, and one halted HA-enabled VM that never ran under HA (HA-Lizard's home-pool rule
 * leaves it alone too).
 */
public final class DemoPool {
  private DemoPool() {}

  public static final String POOL = "5e1f0a2c-7d3b-4c1e-9a6f-2b8d4e6f0a01";
  public static final String XCP_A = "3f9a2c1e-5b7d-4e8f-a1c3-000000000a01";
  public static final String XCP_B = "7c4e1a9b-2d6f-4b3a-8e5c-000000000b02";
  public static final String ADDR_A = "127.0.0.11";
  public static final String ADDR_B = "127.0.0.12";
  public static final String USER = "root";
  public static final String PASSWORD = "demo-only-password";
  public static final String FIELD = "XenCenter.CustomFields.ha-lizard-enabled";

  public record DemoVm(String uuid, String name, boolean haEnabled, boolean running) {}

  public static final List<DemoVm> VMS = List.of(
      new DemoVm("a0e1c2d3-0001-4000-8000-00000000f001", "web-01", true, true),
      new DemoVm("a0e1c2d3-0002-4000-8000-00000000f002", "web-02", true, true),
      new DemoVm("a0e1c2d3-0003-4000-8000-00000000f003", "db-01", true, true),
      new DemoVm("a0e1c2d3-0004-4000-8000-00000000f004", "mail-01", true, true),
      new DemoVm("a0e1c2d3-0005-4000-8000-00000000f005", "build-scratch", false, true),
      new DemoVm("a0e1c2d3-0006-4000-8000-00000000f006", "new-unstarted", true, false));

  public static List<DemoVm> haVmsExpectedBack() {
    return VMS.stream().filter(v -> v.haEnabled() && v.running()).toList();
  }

  public static List<DemoVm> vmsThatMustStayHalted() {
    return VMS.stream().filter(v -> !(v.haEnabled() && v.running())).toList();
  }

  /** @param fuse the simulated xapi's delay before it restarts as master (real xapi: about 10 s) */
  public static SimPoolSpec spec(Duration fuse, Duration xapiRestart) {
    List<VmSpec> vms = VMS.stream().map(v -> new VmSpec(v.uuid(), v.name(), v.running() ? "Running" : "Halted",
        v.running() ? XCP_A : null, Map.of(FIELD, String.valueOf(v.haEnabled())), 0, 0)).toList();
    return new SimPoolSpec(POOL, "demo-pool",
        List.of(new HostSpec(XCP_A, "xcp-a", ADDR_A), new HostSpec(XCP_B, "xcp-b", ADDR_B)),
        XCP_A, vms, Map.of("XenCenter.CustomFields.ha-lizard-enabled", "true"), USER, PASSWORD, fuse, xapiRestart);
  }

  public static String hostName(String uuid) {
    return uuid.equals(XCP_A) ? "xcp-a" : uuid.equals(XCP_B) ? "xcp-b" : uuid;
  }
}
