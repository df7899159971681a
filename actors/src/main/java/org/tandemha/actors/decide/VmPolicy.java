package org.tandemha.actors.decide;

import org.tandemha.protocol.HaSettings;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.VmView;

/** Which VMs Tandem keeps running (OP_MODE=2, halizard-behaviour §4.3). */
public final class VmPolicy {
  private VmPolicy() {}

  /** The VM other-config key that marks "has run under this pool's HA". */
  public static final String HOME_POOL = "home-pool";

  public enum Managed { YES, NO, INVALID }

  public record Verdict(boolean act, String reason) {}

  /** Never dom0s, templates or snapshots; then GLOBAL_VM_HA, else the per-VM XenCenter field. */
  public static Managed managed(HaSettings s, VmView vm) {
    if (vm.controlDomain() || vm.template() || vm.snapshot()) return Managed.NO;
    if (s.globalVmHa()) return Managed.YES;
    String flag = vm.otherConfig().get(s.vmFieldKey());
    if ("true".equals(flag)) return Managed.YES;
    if (flag == null || "false".equals(flag)) return Managed.NO;
    return Managed.INVALID;
  }

  /** A managed VM seen running gets the home-pool token, so it may be restarted later. */
  public static boolean needsHomePoolTag(HaSettings s, PoolId pool, VmView vm) {
    return vm.running() && managed(s, vm) == Managed.YES && !pool.uuid().equals(vm.otherConfig().get(HOME_POOL));
  }

  /** Restart a halted VM only if it is managed and has run under this pool's HA. */
  public static Verdict toRestart(HaSettings s, PoolId pool, VmView vm) {
    if (!vm.halted()) return new Verdict(false, "power state " + vm.powerState());
    return switch (managed(s, vm)) {
      case NO -> new Verdict(false, "not HA-enabled");
      case INVALID -> new Verdict(false, "invalid " + s.vmFieldKey() + "=" + vm.otherConfig().get(s.vmFieldKey())
          + " (must be true or false), not acted on");
      case YES -> pool.uuid().equals(vm.otherConfig().get(HOME_POOL))
          ? new Verdict(true, "HA-enabled, halted, has run under this pool's HA")
          : new Verdict(false, "HA-enabled but never ran under this pool's HA (no home-pool token)");
    };
  }
}
