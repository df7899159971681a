package org.tandemha.harness;

import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.SelfFence;
import org.tandemha.protocol.HostId;

/**
 * A simulated host fencing itself: it goes off (its guests die) and the node process ends with it, as a
 * sysrq reboot would end them; its power switch is not involved. The harness may start the node again
 * afterwards, like the host coming back.
 */
public final class SimSelfFence implements SelfFence {
  private final SimPowerFence power;
  private final HostId self;
  private final java.util.Optional<Watchdog> watchdog;

  public SimSelfFence(SimPowerFence power, HostId self) {
    this(power, self, java.util.Optional.empty());
  }

  /** @param watchdogTimeout the simulated host's watchdog device, if it has one ({@code tandem.sim.watchdog-timeout}) */
  public SimSelfFence(SimPowerFence power, HostId self, java.util.Optional<java.time.Duration> watchdogTimeout) {
    this.power = power;
    this.self = self;
    this.watchdog = watchdogTimeout.map(t -> new SimWatchdog(t, () -> fire("watchdog expired")));
  }

  @Override public java.util.Optional<Watchdog> watchdog() { return watchdog; }

  @Override public String method() { return "simulated power-off of " + self; }

  @Override public void fire(String reason) {
    try {
      power.selfFence(self);
    } catch (FenceDeviceError e) {
      System.err.println("self-fence: the simulator could not switch this host off (" + e.getMessage() + "); the node stops anyway");
    }
    Runtime.getRuntime().halt(137);
  }
}
