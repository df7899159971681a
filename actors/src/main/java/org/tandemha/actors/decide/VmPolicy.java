package org.tandemha.actors.decide;

import org.tandemha.protocol.HaSettings;
import java.util.List;
import org.tandemha.protocol.PoolId;
import org.tandemha.protocol.PoolSnapshot;
import org.tandemha.protocol.VmView;

/**
 * Which VMs Tandem keeps running (halizard-behaviour §4.2–4.3). OP_MODE 2: every VM with GLOBAL_VM_HA, else
 * those whose XenCenter field is {@code true}. OP_MODE 1: the members of every vApp not in DISABLED_VAPPS,
 * which {@link #toStartVapp} restarts as a unit.
 */
public final class VmPolicy {
  private VmPolicy() {}

  /** The VM other-config key that marks "has run under this pool's HA". */
  public static final String HOME_POOL = "home-pool";

  public enum Managed { YES, NO, INVALID }

  public record Verdict(boolean act, String reason) {}

  /** Never dom0s, templates or snapshots; then GLOBAL_VM_HA, else the per-VM XenCenter field. */
  public static Managed managed(HaSettings s, VmView vm) {
    if (vm.controlDomain() || vm.template() || vm.snapshot()) return Managed.NO;
    if (s.vappMode()) {
      return vm.appliance().filter(a -> !s.disabledVapps().contains(a)).isPresent() ? Managed.YES : Managed.NO;
    }
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
    if (s.vappMode()) {
      return new Verdict(false, vm.appliance().isEmpty() ? "OP_MODE=1 manages vApps only; this VM is in none"
          : "OP_MODE=1: restarted with its vApp " + vm.appliance().get());
    }
    return switch (managed(s, vm)) {
      case NO -> new Verdict(false, "not HA-enabled");
      case INVALID -> new Verdict(false, "invalid " + s.vmFieldKey() + "=" + vm.otherConfig().get(s.vmFieldKey())
          + " (must be true or false), not acted on");
      case YES -> pool.uuid().equals(vm.otherConfig().get(HOME_POOL))
          ? new Verdict(true, "HA-enabled, halted, has run under this pool's HA")
          : new Verdict(false, "HA-enabled but never ran under this pool's HA (no home-pool token)");
    };
  }

  /**
   * OP_MODE 1 (§4.2, its one-vApp bug closed: every vApp is judged on its own): a vApp not in DISABLED_VAPPS
   * with a halted member is started as a unit, so XAPI applies its order and delays — but only once it has
   * run under this pool's HA (a member carries the home-pool token), as for single VMs: a vApp created and
   * never started is not started behind its owner's back.
   */
  public static Verdict toStartVapp(HaSettings s, PoolId pool, PoolSnapshot.Appliance vapp, List<VmView> members) {
    if (!s.vappMode()) return new Verdict(false, "OP_MODE=2: VMs are managed one by one");
    if (s.disabledVapps().contains(vapp.uuid())) return new Verdict(false, "listed in DISABLED_VAPPS");
    if (members.isEmpty()) return new Verdict(false, "has no VMs");
    List<VmView> halted = members.stream().filter(VmView::halted).toList();
    if (halted.isEmpty()) return new Verdict(false, "no halted member");
    if (members.stream().noneMatch(v -> pool.uuid().equals(v.otherConfig().get(HOME_POOL)))) {
      return new Verdict(false, "never ran under this pool's HA (no member has the home-pool token)");
    }
    return new Verdict(true, halted.size() + " of " + members.size() + " member(s) halted: "
        + String.join(", ", halted.stream().map(VmView::name).sorted().toList()));
  }
}
