package org.tandemha.actors.port;

import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * One fence device. Calls block and are bounded by the FenceAgentActor's timeout; a device that cannot
 * tell throws {@link FenceDeviceError} rather than guessing.
 */
public interface FencePort {
  /** Name shown in logs and the journal, e.g. {@code sim-power} or {@code fence_ipmilan@10.0.0.5}. */
  String device();

  /** Asks the device to cut the target's power; returns what the device says right after. */
  PowerState powerOff(HostId target);

  /** Reads the target's power back; the only proof a fence worked. */
  PowerState status(HostId target);

  /**
   * Does a fence of this target cut its power? False only for HA-Lizard's POOL method, which powers nothing off:
   * then the peer is gone only once its self-fence watchdog's deadline has passed, or an operator says so.
   */
  default boolean powersOff(HostId target) { return true; }

  /** What a confirmed fence of this target rests on, for the journal and the operator. */
  default String confirmation(HostId target) { return "power read back OFF"; }
}
