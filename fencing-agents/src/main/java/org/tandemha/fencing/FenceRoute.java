package org.tandemha.fencing;

import java.util.Optional;
import java.util.Set;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * The pool's fencing as configured: hosts with their own fence-agent levels ({@code tandem.fence.hosts}, or an
 * ILO/IRMC/XVM method's {@code .hosts} file) go to those; every other host to the HA-Lizard method that fences any
 * host by UUID (a user's script, or POOL), when one is configured.
 */
public final class FenceRoute implements FencePort {
  private final FenceAgentsPort agents;
  private final Set<HostId> withAgents;
  private final Optional<FencePort> otherHosts;

  public FenceRoute(FenceAgentsPort agents, Set<HostId> withAgents, Optional<FencePort> otherHosts) {
    this.agents = agents;
    this.withAgents = Set.copyOf(withAgents);
    this.otherHosts = otherHosts;
  }

  @Override public String device() {
    if (withAgents.isEmpty()) return otherHosts.map(FencePort::device).orElse("no fence device");
    return agents.device() + otherHosts.map(p -> " + " + p.device()).orElse("");
  }

  /** The device(s) a fence of this host goes to, as its journal line names them. */
  public String deviceOf(HostId target) {
    return withAgents.contains(target) ? agents.deviceOf(target) : port(target).device();
  }

  @Override public boolean powersOff(HostId target) {
    return withAgents.contains(target) || otherHosts.map(p -> p.powersOff(target)).orElse(true);
  }

  @Override public String confirmation(HostId target) {
    return withAgents.contains(target) ? agents.confirmation(target)
        : otherHosts.map(p -> p.confirmation(target)).orElse(agents.confirmation(target));
  }

  @Override public PowerState powerOff(HostId target) { return port(target).powerOff(target); }

  @Override public PowerState status(HostId target) { return port(target).status(target); }

  private FencePort port(HostId target) {
    if (withAgents.contains(target)) return agents;
    return otherHosts.orElseThrow(() -> new FenceDeviceError("no fence device is configured for host " + target));
  }
}
