package org.tandemha.actors.decide;

import java.util.Optional;

/**
 * HA suspension (halizard-behaviour §3.7, without its §3.4.1 bug): the autopromote winner that cannot fence its
 * lost master for want of quorum suspends instead of rebooting itself (no reboot loop). A suspended node never
 * promotes and manages no VMs, whether or not the master is reachable; it clears only when the master reports
 * it healthy or an operator resumes it.
 */
public final class Suspension {
  private Suspension() {}

  /**
   * @param suspended            the persisted suspension state
   * @param gate                 FencingGate's answer this round (empty when no fence was considered)
   * @param masterReachable      the master's node and XAPI answer
   * @param masterReportsHealthy the master tagged this host healthy (HA-Lizard's host FIELD = healthy)
   * @param operatorResumed      an operator ran {@code tandem resume} (HA-Lizard's recover_fenced_host)
   */
  public record Evidence(boolean suspended, Optional<FencingGate.Action> gate, boolean masterReachable,
                         boolean masterReportsHealthy, boolean operatorResumed) {}

  /** @param changed the state differs from {@code Evidence.suspended}: journal it before acting */
  public record Verdict(boolean suspended, boolean mayPromote, boolean mayManageVms, boolean changed, String reason) {}

  public static Verdict next(Evidence e) {
    if (e.suspended()) {
      if (e.operatorResumed()) return active(true, "operator resumed HA: suspension cleared");
      if (e.masterReachable() && e.masterReportsHealthy()) {
        return active(true, "master reports this host healthy: suspension cleared");
      }
      return suspended(false, e.masterReachable()
          ? "suspended: master reachable but has not reported this host healthy yet"
          : "suspended: master unreachable, and a suspended node never promotes");
    }
    if (e.gate().orElse(null) == FencingGate.Action.SUSPEND) {
      return suspended(true, "autopromote winner cannot fence the master without quorum: HA suspended (no reboot)");
    }
    return active(false, "not suspended");
  }

  private static Verdict active(boolean changed, String why) { return new Verdict(false, true, true, changed, why); }

  private static Verdict suspended(boolean changed, String why) {
    return new Verdict(true, false, false, changed, why);
  }
}
