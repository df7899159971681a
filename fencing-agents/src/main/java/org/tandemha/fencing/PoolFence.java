package org.tandemha.fencing;

import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * HA-Lizard's POOL method (halizard-behaviour §5.2), kept so a configuration that names it still loads: it powers
 * nothing off and cannot read any power, so it never confirms a fence. A host fenced "by POOL" is gone only when
 * it arms a self-fence watchdog and that watchdog's deadline has passed (DESIGN.md's one rule, 2) — the takeover
 * waits for it; without a watchdog nothing is taken over, and POOL is reported as "not a fence".
 */
public final class PoolFence implements FencePort {
  public static final String NAME = "POOL";

  @Override public String device() { return "POOL (no power action)"; }

  @Override public boolean powersOff(HostId target) { return false; }

  @Override public PowerState powerOff(HostId target) {
    throw new FenceDeviceError("POOL is not a fence: nothing powers " + target + " off");
  }

  @Override public PowerState status(HostId target) {
    throw new FenceDeviceError("POOL has no power device: the power of " + target + " is unknown");
  }
}
