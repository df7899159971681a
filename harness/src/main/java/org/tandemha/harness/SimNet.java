package org.tandemha.harness;

import java.time.Duration;
import java.util.Map;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.NetPort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * Ping in the simulated world: a simulated host's address answers while that host is powered on, as it
 * would on a real network (on loopback every 127.0.0.x would answer, dead or alive). Any other address —
 * the heuristic IPs — is pinged for real.
 */
public final class SimNet implements NetPort {
  private final SimPowerFence power;
  private final Map<String, HostId> hostsByAddress;
  private final NetPort real;

  public SimNet(SimPowerFence power, Map<String, HostId> hostsByAddress, NetPort real) {
    this.power = power;
    this.hostsByAddress = Map.copyOf(hostsByAddress);
    this.real = real;
  }

  @Override public boolean answers(String address, Duration timeout) {
    HostId host = hostsByAddress.get(address);
    if (host == null) return real.answers(address, timeout);
    try {
      return power.status(host) == PowerState.ON;
    } catch (FenceDeviceError e) {
      return false;   // the world cannot be asked: no answer, as a lost ping
    }
  }
}
