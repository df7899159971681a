package org.tandemha.harness;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.NetPort;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Ping in the simulated world: a simulated host's address answers while that host is powered on and not
 * cut from this one, as it would on a real network (on loopback every 127.0.0.x would answer, dead or
 * alive); the gateway address (the heuristics IP, {@code tandem.sim.gateway}) answers unless this host
 * is cut from it. Any other address is pinged for real.
 */
public final class SimNet implements NetPort {
  private final SimPowerFence power;
  private final Map<String, HostId> hostsByAddress;
  private final Supplier<Set<String>> cut;
  private final Optional<String> gateway;
  private final NetPort real;

  public SimNet(SimPowerFence power, Map<String, HostId> hostsByAddress, Supplier<Set<String>> cut,
                Optional<String> gateway, NetPort real) {
    this.power = power;
    this.hostsByAddress = Map.copyOf(hostsByAddress);
    this.cut = cut;
    this.gateway = gateway;
    this.real = real;
  }

  @Override public boolean answers(String address, Duration timeout) {
    if (gateway.isPresent() && gateway.get().equals(address)) return !cut.get().contains(SimPool.GATEWAY);
    HostId host = hostsByAddress.get(address);
    if (host == null) return real.answers(address, timeout);
    if (cut.get().contains(host.uuid())) return false;
    try {
      return power.status(host) == PowerState.ON;
    } catch (FenceDeviceError e) {
      return false;   // the world cannot be asked: no answer, as a lost ping
    }
  }
}
