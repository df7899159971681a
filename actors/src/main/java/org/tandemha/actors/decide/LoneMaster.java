package org.tandemha.actors.decide;

/**
 * HA-Lizard's lone-master rule (halizard-behaviour §2.5, FENCE_REBOOT_LONE_HOST): a master that sees no slave,
 * has at least one failed slave and no quorum is the isolated one. It must not fence; optionally it reboots once
 * to release DRBD Primary so the surviving slave can take the storage role. The "rebooted" flag is persisted by
 * the caller before the reboot and reset by the first iteration without failures.
 */
public final class LoneMaster {
  private LoneMaster() {}

  /**
   * @param slavesReachable slaves that answered this iteration
   * @param slavesFailed    slaves confirmed failed this iteration
   * @param quorate         this master's quorum verdict
   * @param rebootLoneHost  FENCE_REBOOT_LONE_HOST
   * @param rebooted        the persisted "already rebooted once" flag
   */
  public record Evidence(int slavesReachable, int slavesFailed, boolean quorate, boolean rebootLoneHost,
                         boolean rebooted) {}

  /**
   * @param blockFencing  refuse every fence this iteration
   * @param reboot        reboot this host now (after persisting {@code rebootedFlag})
   * @param rebootedFlag  the value the persisted flag must hold after this iteration
   */
  public record Decision(boolean blockFencing, boolean reboot, boolean rebootedFlag, String reason) {}

  public static Decision assess(Evidence e) {
    if (e.slavesFailed() == 0) {
      return new Decision(false, false, false,
          "no failed slave" + (e.rebooted() ? ": rebooted flag reset" : ""));
    }
    if (e.slavesReachable() > 0) {
      return new Decision(false, false, e.rebooted(), e.slavesReachable() + " slave(s) still reachable: not alone");
    }
    if (e.quorate()) return new Decision(false, false, e.rebooted(), "no slave reachable but quorate: not alone");
    String alone = "all slaves unreachable, " + e.slavesFailed() + " failed, no quorum: fencing blocked";
    if (!e.rebootLoneHost()) return new Decision(true, false, e.rebooted(), alone + "; FENCE_REBOOT_LONE_HOST=0");
    if (e.rebooted()) return new Decision(true, false, true, alone + "; already rebooted once, not again");
    return new Decision(true, true, true,
        alone + "; FENCE_REBOOT_LONE_HOST=1: persist rebooted=true, then reboot to release storage");
  }
}
